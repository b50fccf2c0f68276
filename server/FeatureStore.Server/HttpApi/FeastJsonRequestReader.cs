using System.Text.Json;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.HttpApi;

/// <summary>
/// Reads Feast's <c>/get-online-features</c> request body:
/// <c>{"features": ["view:feature", ...] | "feature_service": "name", "entities": {"join_key": [v, ...]},
/// "full_feature_names": false}</c>. Other top-level fields Feast clients may send are ignored. Every error names
/// the field at fault.
/// </summary>
internal static class FeastJsonRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static async Task<ServingRequest> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, DocumentOptions, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new UserInputException(
                $"The request body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}): {JsonWording.FirstSentence(ex.Message)}");
        }
        using (document)
        {
            return Read(document.RootElement);
        }
    }

    public static ServingRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"The request body must be a JSON object, not {JsonWording.Kind(root)}.");
        }
        var features = new List<string>();
        string? service = null;
        var entities = new List<EntityColumn>();
        var fullNames = false;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "features":
                    features = ReadFeatures(property.Value);
                    break;
                case "feature_service":
                    service = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new UserInputException($"'feature_service' must be a string, not {JsonWording.Kind(property.Value)}."),
                    };
                    break;
                case "entities":
                    entities = ReadEntities(property.Value);
                    break;
                case "full_feature_names":
                    fullNames = property.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False or JsonValueKind.Null => false,
                        _ => throw new UserInputException($"'full_feature_names' must be true or false, not {JsonWording.Kind(property.Value)}."),
                    };
                    break;
            }
        }
        return new ServingRequest(features, string.IsNullOrEmpty(service) ? null : service, entities, fullNames, KeyEncoding.Json);
    }

    private static List<string> ReadFeatures(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new UserInputException($"'features' must be an array of \"view:feature\" strings, not {JsonWording.Kind(element)}.");
        }
        var features = new List<string>(element.GetArrayLength());
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new UserInputException($"'features[{index}]' must be a \"view:feature\" string, not {JsonWording.Kind(item)}.");
            }
            features.Add(item.GetString()!);
            index++;
        }
        return features;
    }

    private static List<EntityColumn> ReadEntities(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"'entities' must be an object mapping each join key to an array of values, not {JsonWording.Kind(element)}.");
        }
        var columns = new List<EntityColumn>();
        foreach (var column in element.EnumerateObject())
        {
            if (column.Value.ValueKind != JsonValueKind.Array)
            {
                throw new UserInputException($"'entities.{column.Name}' must be an array with one value per entity row, not {JsonWording.Kind(column.Value)}.");
            }
            var values = new object?[column.Value.GetArrayLength()];
            var row = 0;
            foreach (var item in column.Value.EnumerateArray())
            {
                values[row] = item.ValueKind switch
                {
                    // Boxed apart: a conditional of long and a number would widen every integer. A number that is not
                    // an integer (1001.0, 1e3) keeps its text, so an error quotes it as sent.
                    JsonValueKind.Number => item.TryGetInt64(out var integer) ? (object)integer : new SentNumber(item.GetRawText()),
                    JsonValueKind.String => item.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => throw new UserInputException($"'entities.{column.Name}[{row}]' must be a single key value, not {JsonWording.Kind(item)}."),
                };
                row++;
            }
            columns.Add(new EntityColumn(column.Name, values));
        }
        return columns;
    }
}
