namespace FeatureStore.Core.Definitions;

/// <summary>The scalar value types a feature or join key can have.</summary>
public enum ScalarType
{
    Bool,
    Int32,
    Int64,
    Float32,
    Float64,
    String,
    Bytes,
    Timestamp,
}

/// <summary>
/// A declared value type: a scalar, or a list of a scalar (<c>list&lt;float32&gt;</c> for embeddings).
/// Written in YAML in lower case; <see cref="ToString"/> gives back the same spelling.
/// </summary>
public sealed record FeatureType(ScalarType Scalar, bool IsList = false)
{
    private static readonly Dictionary<string, ScalarType> ScalarNames = new(StringComparer.Ordinal)
    {
        ["bool"] = ScalarType.Bool,
        ["int32"] = ScalarType.Int32,
        ["int64"] = ScalarType.Int64,
        ["float32"] = ScalarType.Float32,
        ["float64"] = ScalarType.Float64,
        ["string"] = ScalarType.String,
        ["bytes"] = ScalarType.Bytes,
        ["timestamp"] = ScalarType.Timestamp,
    };

    /// <summary>Every spelling accepted by <see cref="TryParse"/>, for error messages and suggestions.</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
        ScalarNames.Keys.Concat(ScalarNames.Keys.Select(n => $"list<{n}>")).ToArray();

    public static bool TryParse(string? text, out FeatureType type)
    {
        type = new FeatureType(ScalarType.Int64);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var trimmed = text.Trim();
        var isList = false;
        if (trimmed.StartsWith("list<", StringComparison.Ordinal) && trimmed.EndsWith('>'))
        {
            isList = true;
            trimmed = trimmed["list<".Length..^1].Trim();
        }
        if (!ScalarNames.TryGetValue(trimmed, out var scalar))
        {
            return false;
        }
        type = new FeatureType(scalar, isList);
        return true;
    }

    public static FeatureType Parse(string text) =>
        TryParse(text, out var type) ? type : throw new FormatException($"'{text}' is not a known type.");

    public override string ToString()
    {
        var scalar = ScalarNames.First(kv => kv.Value == Scalar).Key;
        return IsList ? $"list<{scalar}>" : scalar;
    }
}
