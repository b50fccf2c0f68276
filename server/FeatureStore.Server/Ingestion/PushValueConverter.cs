using System.Collections;
using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Turns one value of a pushed column, as sent, into the CLR type of its declared type: long (int64), int (int32),
/// double, float, bool, string, byte[], <see cref="DateTimeOffset"/> (timestamps, UTC); a list becomes an object
/// array of such elements (null elements kept). Anything that would change the value's meaning is refused
/// (a fraction for an integer, text for a number, a number out of range) with a message naming column and row.
/// JSON spells bytes as base64 text and floats' NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
/// </summary>
public static class PushValueConverter
{
    /// <summary>The converted value (null stays null; the caller decides where null is allowed).</summary>
    public static object? Convert(object? value, FeatureType type, string column, int row, KeyEncoding encoding)
    {
        if (value is null)
        {
            return null;
        }
        if (!type.IsList)
        {
            return Scalar(value, type.Scalar, encoding, out var problem)
                   ?? throw new UserInputException($"Column '{column}' row {row}: {problem}.");
        }
        if (value is string or byte[] || value is not IList list)
        {
            throw new UserInputException($"Column '{column}' row {row}: expected a list ({type}), got {Describe(value)}.");
        }
        var elements = new object?[list.Count];
        for (var i = 0; i < elements.Length; i++)
        {
            var element = list[i];
            if (element is null)
            {
                continue;
            }
            if (element is IList and not byte[])
            {
                throw new UserInputException($"Column '{column}' row {row} element {i}: a list inside a list is not a {type} value.");
            }
            elements[i] = Scalar(element, type.Scalar, encoding, out var problem)
                          ?? throw new UserInputException($"Column '{column}' row {row} element {i}: {problem}.");
        }
        return elements;
    }

    private static object? Scalar(object value, ScalarType type, KeyEncoding encoding, out string? problem)
    {
        problem = null;
        object? converted = (type, value) switch
        {
            (ScalarType.Bool, bool b) => b,
            (ScalarType.Int64, long l) => l,
            (ScalarType.Int64, int i) => (long)i,
            (ScalarType.Int32, int i) => i,
            (ScalarType.Int32, long l) when l is >= int.MinValue and <= int.MaxValue => (int)l,
            (ScalarType.Float64, double d) => d,
            (ScalarType.Float64, float f) => (double)f,
            (ScalarType.Float64, long l) => (double)l,
            (ScalarType.Float64, int i) => (double)i,
            (ScalarType.Float64, SentNumber n) => ParseDouble(n.Text),
            (ScalarType.Float64, string s) when encoding == KeyEncoding.Json && NonFinite(s) is { } d => d,
            (ScalarType.Float32, float f) => f,
            (ScalarType.Float32, double d) => ToFloat(d),
            (ScalarType.Float32, long l) => (float)l,
            (ScalarType.Float32, int i) => (float)i,
            (ScalarType.Float32, SentNumber n) => ParseDouble(n.Text) is double d ? ToFloat(d) : null,
            (ScalarType.Float32, string s) when encoding == KeyEncoding.Json && NonFinite(s) is { } d => (float)d,
            (ScalarType.String, string s) => s,
            (ScalarType.Bytes, byte[] bytes) => bytes,
            (ScalarType.Bytes, string s) when encoding == KeyEncoding.Json => FromBase64(s),
            (ScalarType.Timestamp, DateTimeOffset t) => t.ToUniversalTime(),
            (ScalarType.Timestamp, string s) => Timestamp(s, out problem),
            (ScalarType.Timestamp, long l) => Epoch(l, l.ToString(CultureInfo.InvariantCulture), out problem),
            (ScalarType.Timestamp, SentNumber n) when ParseDouble(n.Text) is double d => Epoch(d, n.Text, out problem),
            _ => null,
        };
        if (converted is null && problem is null)
        {
            problem = $"expected {Article(type)}, got {Describe(value)}";
            if (type == ScalarType.Float32 && value is double or SentNumber)
            {
                problem = $"{Describe(value)} does not fit a float32";
            }
            else if (type == ScalarType.Int32 && value is long)
            {
                problem = $"{Describe(value)} does not fit an int32";
            }
            else if (type == ScalarType.Bytes && value is string)
            {
                problem = "bytes are sent as base64 text, and this is not base64";
            }
        }
        return converted;
    }

    private static object? Timestamp(string text, out string? problem) =>
        TimestampText.TryParse(text, out var value, out problem) ? value : null;

    private static object? Epoch(double seconds, string sent, out string? problem) =>
        TimestampText.TryFromEpochSeconds(seconds, sent, out var value, out problem) ? value : null;

    private static double? ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    /// <summary>A float32 value of a double, unless it is finite and too large for float32 (it would become infinity).</summary>
    private static object? ToFloat(double d)
    {
        var f = (float)d;
        return float.IsInfinity(f) && double.IsFinite(d) ? null : f;
    }

    private static double? NonFinite(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => null,
    };

    private static byte[]? FromBase64(string text)
    {
        try
        {
            return System.Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Article(ScalarType type) => new FeatureType(type).ToString() is var name && "aeiou".Contains(name[0]) ? $"an {name}" : $"a {name}";

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"the string \"{(s.Length <= 40 ? s : s[..40] + "...")}\"",
        long or int => $"the integer {value}",
        SentNumber n => $"the number {n.Text}",
        double d => $"the number {d.ToString("R", CultureInfo.InvariantCulture)}",
        float f => $"the number {f.ToString("R", CultureInfo.InvariantCulture)}",
        bool b => $"the boolean {(b ? "true" : "false")}",
        byte[] => "bytes",
        DateTimeOffset t => $"the timestamp {t:O}",
        IList => "a list",
        _ => $"a {value.GetType().Name} value",
    };
}
