using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Offline;

/// <summary>Maps declared feature types to DuckDB types and decides which physical columns can hold them.</summary>
internal static class DuckDbTypes
{
    private static readonly HashSet<string> Integers = new(StringComparer.OrdinalIgnoreCase)
    {
        "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
    };

    private static readonly HashSet<string> Floats = new(StringComparer.OrdinalIgnoreCase) { "FLOAT", "DOUBLE" };

    private static readonly HashSet<string> Timestamps = new(StringComparer.OrdinalIgnoreCase)
    {
        "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "DATE",
    };

    /// <summary>The DuckDB type a declared type is written as in the training set.</summary>
    public static string SqlType(FeatureType type)
    {
        var scalar = type.Scalar switch
        {
            ScalarType.Bool => "BOOLEAN",
            ScalarType.Int32 => "INTEGER",
            ScalarType.Int64 => "BIGINT",
            ScalarType.Float32 => "FLOAT",
            ScalarType.Float64 => "DOUBLE",
            ScalarType.String => "VARCHAR",
            ScalarType.Bytes => "BLOB",
            ScalarType.Timestamp => "TIMESTAMP WITH TIME ZONE",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return type.IsList ? $"{scalar}[]" : scalar;
    }

    /// <summary>
    /// True when a column of DuckDB type <paramref name="columnType"/> can be read as <paramref name="declared"/>
    /// without changing what the values mean (any integer width for an integer, any number for a float, ...).
    /// </summary>
    public static bool CanHold(string columnType, FeatureType declared)
    {
        var type = columnType.Trim();
        if (declared.IsList)
        {
            if (!type.EndsWith("[]", StringComparison.Ordinal))
            {
                return false;
            }
            return CanHold(type[..^2], declared with { IsList = false });
        }
        return declared.Scalar switch
        {
            ScalarType.Bool => type.Equals("BOOLEAN", StringComparison.OrdinalIgnoreCase),
            ScalarType.Int32 or ScalarType.Int64 => Integers.Contains(type),
            ScalarType.Float32 or ScalarType.Float64 => Integers.Contains(type) || Floats.Contains(type) || type.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase),
            ScalarType.String => type.Equals("VARCHAR", StringComparison.OrdinalIgnoreCase),
            ScalarType.Bytes => type.Equals("BLOB", StringComparison.OrdinalIgnoreCase) || type.Equals("VARCHAR", StringComparison.OrdinalIgnoreCase),
            ScalarType.Timestamp => Timestamps.Contains(type),
            _ => false,
        };
    }
}
