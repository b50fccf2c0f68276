using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Which DuckDB column types (as DuckDB reports a Parquet schema) a declared feature type can hold without losing
/// information: widening is fine (INTEGER into int64, FLOAT into float64), narrowing and reinterpretation are not.
/// </summary>
internal static class ParquetTypeCompatibility
{
    private static readonly string[] Int32Types = ["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"];
    private static readonly string[] Int64Types = [.. Int32Types, "BIGINT", "UINTEGER"];
    private static readonly string[] TimestampTypes =
        ["TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE"];

    public static bool IsTimestamp(string columnType) => TimestampTypes.Contains(Normalize(columnType), StringComparer.Ordinal);

    public static bool CanHold(FeatureType declared, string columnType)
    {
        var column = Normalize(columnType);
        if (declared.IsList)
        {
            return ElementType(column) is { } element && CanHoldScalar(declared.Scalar, element);
        }
        return ElementType(column) is null && CanHoldScalar(declared.Scalar, column);
    }

    /// <summary>The declared type that fits a column best, for "declare it ..." hints; null when none does.</summary>
    public static FeatureType? NaturalType(string columnType)
    {
        var column = Normalize(columnType);
        if (ElementType(column) is { } element)
        {
            return NaturalScalar(element) is { } scalar ? new FeatureType(scalar, IsList: true) : null;
        }
        return NaturalScalar(column) is { } s ? new FeatureType(s) : null;
    }

    private static bool CanHoldScalar(ScalarType declared, string column) => declared switch
    {
        ScalarType.Bool => column == "BOOLEAN",
        ScalarType.Int32 => Int32Types.Contains(column),
        ScalarType.Int64 => Int64Types.Contains(column),
        ScalarType.Float32 => column is "FLOAT" or "TINYINT" or "SMALLINT" or "UTINYINT" or "USMALLINT",
        ScalarType.Float64 => column is "FLOAT" or "DOUBLE" || Int32Types.Contains(column) || column == "UINTEGER"
                              || column.StartsWith("DECIMAL", StringComparison.Ordinal),
        ScalarType.String => column is "VARCHAR" or "UUID" || column.StartsWith("ENUM", StringComparison.Ordinal),
        ScalarType.Bytes => column == "BLOB",
        ScalarType.Timestamp => TimestampTypes.Contains(column),
        _ => false,
    };

    private static ScalarType? NaturalScalar(string column) => column switch
    {
        "BOOLEAN" => ScalarType.Bool,
        "TINYINT" or "SMALLINT" or "INTEGER" or "UTINYINT" or "USMALLINT" => ScalarType.Int32,
        "BIGINT" or "UINTEGER" => ScalarType.Int64,
        "FLOAT" => ScalarType.Float32,
        "DOUBLE" => ScalarType.Float64,
        _ when column.StartsWith("DECIMAL", StringComparison.Ordinal) => ScalarType.Float64,
        "VARCHAR" or "UUID" => ScalarType.String,
        "BLOB" => ScalarType.Bytes,
        _ when TimestampTypes.Contains(column) => ScalarType.Timestamp,
        _ => null,
    };

    /// <summary>The element type of a list (<c>FLOAT[]</c>) or fixed-size array (<c>FLOAT[4]</c>); null for a non-list.</summary>
    private static string? ElementType(string column)
    {
        if (!column.EndsWith(']'))
        {
            return null;
        }
        var open = column.LastIndexOf('[');
        if (open <= 0 || !column[(open + 1)..^1].All(char.IsAsciiDigit))
        {
            return null;
        }
        var element = column[..open];
        // A list of lists is not a declared type.
        return element.EndsWith(']') ? "" : element;
    }

    private static string Normalize(string columnType) => columnType.Trim().ToUpperInvariant();
}
