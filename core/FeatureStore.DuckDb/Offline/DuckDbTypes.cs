using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Maps declared feature types to the DuckDB types they are cast to, for training sets and materialization alike.
/// Which physical columns can hold a declared type is <see cref="ParquetTypeCompatibility"/>: one rule for
/// definition validation and for entity files.
/// </summary>
internal static class DuckDbTypes
{
    /// <summary>The DuckDB type a declared feature or key type is cast to.</summary>
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
}
