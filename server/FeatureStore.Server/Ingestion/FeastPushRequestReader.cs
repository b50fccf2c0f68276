using System.Text.Json;
using FeatureStore.Core.Errors;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Reads Feast's write bodies: <c>/push</c> <c>{"push_source_name": ..., "df": {column: [values...]}, "to": "online" |
/// "offline" | "online_and_offline"}</c> and <c>/write-to-online-store</c> <c>{"feature_view_name": ..., "df": {...}}</c>.
/// <c>allow_registry_cache</c>, <c>transform_on_write</c> and other fields Feast clients send are accepted and ignored.
/// Every error names the field at fault.
/// </summary>
internal static class FeastPushRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static async Task<PushRequest> ReadAsync(Stream body, PushTargetKind kind, CancellationToken cancellationToken)
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
            return Read(document.RootElement, kind);
        }
    }

    public static PushRequest Read(JsonElement root, PushTargetKind kind)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"The request body must be a JSON object, not {JsonWording.Kind(root)}.");
        }
        var nameField = kind == PushTargetKind.PushSource ? "push_source_name" : "feature_view_name";
        string? name = null;
        List<PushColumn>? columns = null;
        var to = PushTo.Online;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case var field when field == nameField:
                    name = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw new UserInputException($"'{nameField}' must be a string, not {JsonWording.Kind(property.Value)}.");
                    break;
                case "df":
                    columns = ReadFrame(property.Value);
                    break;
                case "to" when kind == PushTargetKind.PushSource:
                    to = ReadTo(property.Value);
                    break;
            }
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UserInputException($"Give '{nameField}': the {(kind == PushTargetKind.PushSource ? "push source" : "feature view")} to write to.");
        }
        if (columns is null)
        {
            throw new UserInputException("Give 'df': the rows as an object mapping each column name to an array of values.");
        }
        return new PushRequest(kind, name, columns, to, KeyEncoding.Json);
    }

    private static PushTo ReadTo(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => PushTo.Online,
        JsonValueKind.String => element.GetString()!.Trim().ToLowerInvariant() switch
        {
            "online" => PushTo.Online,
            "offline" => PushTo.Offline,
            "online_and_offline" => PushTo.OnlineAndOffline,
            var other => throw new UserInputException($"'to' must be \"online\", \"offline\" or \"online_and_offline\", not \"{other}\"."),
        },
        _ => throw new UserInputException($"'to' must be \"online\", \"offline\" or \"online_and_offline\", not {JsonWording.Kind(element)}."),
    };

    private static List<PushColumn> ReadFrame(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"'df' must be an object mapping each column name to an array of values, not {JsonWording.Kind(element)}.");
        }
        var columns = new List<PushColumn>();
        foreach (var column in element.EnumerateObject())
        {
            if (column.Value.ValueKind != JsonValueKind.Array)
            {
                throw new UserInputException($"'df.{column.Name}' must be an array with one value per row, not {JsonWording.Kind(column.Value)}.");
            }
            var values = new object?[column.Value.GetArrayLength()];
            var row = 0;
            foreach (var item in column.Value.EnumerateArray())
            {
                values[row] = item.ValueKind == JsonValueKind.Array
                    ? ReadList(item, column.Name, row)
                    : Scalar(item) ?? (item.ValueKind == JsonValueKind.Null
                        ? null
                        : throw new UserInputException($"'df.{column.Name}[{row}]' must be a value or a list of values, not {JsonWording.Kind(item)}."));
                row++;
            }
            columns.Add(new PushColumn(column.Name, values));
        }
        return columns;
    }

    private static object?[] ReadList(JsonElement list, string column, int row)
    {
        var elements = new object?[list.GetArrayLength()];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            elements[i] = Scalar(item) ?? (item.ValueKind == JsonValueKind.Null
                ? null
                : throw new UserInputException($"'df.{column}[{row}][{i}]' must be a single value, not {JsonWording.Kind(item)}."));
            i++;
        }
        return elements;
    }

    /// <summary>A JSON scalar as sent: integers as long, other numbers keep their text (so errors quote them); null for null and non-scalars.</summary>
    private static object? Scalar(JsonElement item) => item.ValueKind switch
    {
        JsonValueKind.Number => item.TryGetInt64(out var integer) ? integer : new SentNumber(item.GetRawText()),
        JsonValueKind.String => item.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
