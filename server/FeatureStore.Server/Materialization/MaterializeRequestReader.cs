using System.Text.Json;
using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Reads Feast's materialize bodies: <c>{"start_ts", "end_ts", "feature_views": [..] | null}</c> and
/// <c>{"end_ts", "feature_views"}</c>. Times are strings (ISO-8601, with or without offset, naive = UTC, or
/// <c>now</c>). Feast's <c>disable_event_timestamp</c> is accepted when false. Anything else is a 400 naming the field.
/// </summary>
internal static class MaterializeRequestReader
{
    public static async Task<MaterializeCall> ReadAsync(Stream body, bool incremental, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, default, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"The request body is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            return Read(document.RootElement, incremental);
        }
    }

    private static MaterializeCall Read(JsonElement root, bool incremental)
    {
        var example = incremental
            ? "{\"end_ts\": \"2024-05-01T00:00:00Z\", \"feature_views\": [\"driver_hourly_stats\"]}"
            : "{\"start_ts\": \"2024-04-01T00:00:00Z\", \"end_ts\": \"2024-05-01T00:00:00Z\", \"feature_views\": null}";
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"The request body must be a JSON object such as {example}.");
        }
        string? start = null;
        string? end = null;
        IReadOnlyList<string>? views = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "start_ts" when !incremental:
                    start = Time(property);
                    break;
                case "end_ts":
                    end = Time(property);
                    break;
                case "feature_views":
                    views = Views(property.Value);
                    break;
                case "disable_event_timestamp" when !incremental:
                    if (property.Value.ValueKind == JsonValueKind.True)
                    {
                        throw new UserInputException("disable_event_timestamp is not supported: every run selects the latest row per key by event time.");
                    }
                    if (property.Value.ValueKind is not (JsonValueKind.False or JsonValueKind.Null))
                    {
                        throw new UserInputException("disable_event_timestamp must be true or false.");
                    }
                    break;
                default:
                    throw new UserInputException(
                        $"Unknown field '{property.Name}' in the request body; {(incremental ? "materialize-incremental" : "materialize")} takes {example}.");
            }
        }
        if (!incremental && start is null)
        {
            throw new UserInputException($"start_ts is required: {example}.");
        }
        if (end is null)
        {
            throw new UserInputException($"end_ts is required: {example}.");
        }
        return new MaterializeCall(start, end, views);
    }

    private static string Time(JsonProperty property) => property.Value.ValueKind == JsonValueKind.String
        ? property.Value.GetString()!
        : throw new UserInputException(
            $"{property.Name} must be a string holding an ISO-8601 time such as \"2024-05-01T00:00:00Z\" (or \"now\"), not {Describe(property.Value)}.");

    private static IReadOnlyList<string>? Views(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new UserInputException($"feature_views must be a list of feature view names, or null for every online view, not {Describe(value)}.");
        }
        var names = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw new UserInputException($"feature_views[{index}] must be a feature view name, not {Describe(item)}.");
            }
            var name = item.GetString()!.Trim();
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
            index++;
        }
        if (names.Count == 0)
        {
            throw new UserInputException("feature_views is empty: list the feature views to materialize, or send null for every online view.");
        }
        return names;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.String => $"\"{value.GetString()}\"",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        _ => "an object",
    };
}
