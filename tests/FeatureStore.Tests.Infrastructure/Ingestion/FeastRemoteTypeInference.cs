using System.Text.Json;

namespace FeatureStore.Tests.Ingestion;

/// <summary>
/// The type Feast's Python remote online store (<c>online_store: type: remote</c>) gives each value of a
/// <c>/get-online-features</c> answer, re-implemented from its rules: Python's <c>json</c> reads a number with a
/// point or an exponent as a float and any other as an int; each PRESENT value alone is then typed by
/// <c>python_values_to_proto_values(..., ValueType.UNKNOWN)</c>: int → INT64, float → DOUBLE, str → STRING,
/// bool → BOOL; a list takes its elements' common type (X_LIST) and fails on mixed types, a null element or no element.
/// </summary>
internal static class FeastRemoteTypeInference
{
    /// <summary>Feature name → the inferred type of each row's value (null where not PRESENT, "ERROR: ..." where Feast fails).</summary>
    public static Dictionary<string, string?[]> InferResponse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var names = root.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()!).ToArray();
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        var inferred = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var values = results[i].GetProperty("values").EnumerateArray().ToArray();
            var statuses = results[i].GetProperty("statuses").EnumerateArray().Select(s => s.GetString()).ToArray();
            inferred[names[i]] = values.Select((v, row) => statuses[row] == "PRESENT" ? Infer(v) : null).ToArray();
        }
        return inferred;
    }

    public static string Infer(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null || value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
        {
            return "ERROR: Couldn't infer value type from empty value";
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Scalar(value) ?? "ERROR: cannot be converted into Feast value type";
        }
        string? common = null;
        foreach (var item in value.EnumerateArray())
        {
            var type = Scalar(item);
            if (type is null)
            {
                return "ERROR: cannot be converted into Feast value type";
            }
            if (common is not null && common != type)
            {
                return $"ERROR: List value type is inconsistent. {common} different from {type}.";
            }
            common = type;
        }
        return common + "_LIST";
    }

    /// <summary>The type of one scalar as Python's json module hands it over; null for None, objects and lists.</summary>
    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText().AsSpan().IndexOfAny(".eE") >= 0 ? "DOUBLE" : "INT64",
        JsonValueKind.String => "STRING",
        JsonValueKind.True or JsonValueKind.False => "BOOL",
        _ => null,
    };
}
