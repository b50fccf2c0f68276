using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Serving;

/// <summary>
/// Turns a key value as sent into the CLR type of its entity (long for int64, int for int32, string, byte[]),
/// refusing anything that would silently change its meaning (a fractional number, a string for a number, ...).
/// </summary>
public static class EntityKeyConverter
{
    public static object Convert(object? value, EntityDefinition entity, int row, KeyEncoding encoding)
    {
        var type = entity.ValueType;
        if (type.IsList)
        {
            throw new UserInputException($"Entity '{entity.Name}' has a list type ({type}); list join keys are not supported.");
        }
        object? converted = (type.Scalar, value) switch
        {
            (_, null) => throw new UserInputException(
                $"Entity column '{entity.JoinKey}' row {row}: the key is null; every entity row needs {Article(type)} key."),
            (ScalarType.Int64, long l) => l,
            (ScalarType.Int64, int i) => (long)i,
            (ScalarType.Int32, int i) => i,
            (ScalarType.Int32, long l) when l is >= int.MinValue and <= int.MaxValue => (int)l,
            (ScalarType.Int32, long l) => throw new UserInputException(
                $"Entity column '{entity.JoinKey}' row {row}: {l} does not fit the entity's int32 key."),
            (ScalarType.String, string s) => s,
            (ScalarType.Bytes, byte[] bytes) => bytes,
            (ScalarType.Bytes, string s) when encoding == KeyEncoding.Json => FromBase64(s, entity, row),
            (ScalarType.Bool or ScalarType.Float32 or ScalarType.Float64 or ScalarType.Timestamp, _) =>
                throw new UserInputException($"Entity '{entity.Name}' has a {type} key; only int32, int64, string and bytes keys are supported."),
            _ => null,
        };
        return converted ?? throw new UserInputException(
            $"Entity column '{entity.JoinKey}' row {row}: expected {Article(type)} key, got {Describe(value)}.");
    }

    private static byte[] FromBase64(string text, EntityDefinition entity, int row)
    {
        try
        {
            return System.Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new UserInputException($"Entity column '{entity.JoinKey}' row {row}: a bytes key is sent as base64 in JSON; '{Shorten(text)}' is not base64.");
        }
    }

    private static string Describe(object? value) => value switch
    {
        string s => $"the string \"{Shorten(s)}\"",
        long or int => $"the integer {value}",
        SentNumber n => $"the number {n.Text}",
        double d => $"the number {WithFraction(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}",
        float f => $"the number {WithFraction(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}",
        bool b => $"the boolean {(b ? "true" : "false")}",
        byte[] => "bytes",
        _ => $"a {value?.GetType().Name ?? "null"} value",
    };

    /// <summary>A floating-point number prints as one (1001.0, not 1001), so it never reads as the integer it was not.</summary>
    private static string WithFraction(string text) =>
        text.AsSpan().IndexOfAny(".eEIN") >= 0 ? text : text + ".0";

    private static string Article(FeatureType type) => type.ToString() is var name && "aeiou".Contains(name[0]) ? $"an {name}" : $"a {name}";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
