using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using Parquet.Schema;

namespace FeatureStore.DuckDb;

/// <summary>The Parquet schema of one <see cref="LogSchema"/>, with the fields kept for writing column by column.</summary>
internal sealed record LogParquetSchema(
    ParquetSchema Schema,
    DataField RequestId,
    DataField RequestTime,
    DataField RegistryVersion,
    IReadOnlyList<DataField> Keys,
    IReadOnlyList<LogFeatureFields> Features)
{
    public static LogParquetSchema For(LogSchema schema)
    {
        var requestId = new DataField<string>(LogColumns.RequestId, nullable: false);
        var requestTime = Timestamp(LogColumns.RequestTime, nullable: false);
        var registryVersion = new DataField<int>(LogColumns.RegistryVersion, nullable: false);
        var keys = schema.Keys.Select(k => Scalar(k.JoinKey, k.Type.Scalar, nullable: false)).ToArray();
        var features = schema.Features.Select(f => new LogFeatureFields(
            Value(LogColumns.Value(f.Reference), f.Type),
            new DataField<string>(LogColumns.Status(f.Reference), nullable: false),
            Timestamp(LogColumns.EventTimestamp(f.Reference), nullable: true))).ToArray();
        var fields = new List<Field> { requestId, requestTime, registryVersion };
        fields.AddRange(keys);
        foreach (var feature in features)
        {
            fields.Add(feature.Value);
            fields.Add(feature.Status);
            fields.Add(feature.EventTimestamp);
        }
        return new LogParquetSchema(new ParquetSchema(fields), requestId, requestTime, registryVersion, keys, features);
    }

    private static Field Value(string name, FeatureType type) =>
        type.IsList ? new ListField(name, Scalar("element", type.Scalar, nullable: true)) : Scalar(name, type.Scalar, nullable: true);

    private static DataField Scalar(string name, ScalarType type, bool nullable) => type switch
    {
        ScalarType.Bool => new DataField<bool>(name, nullable),
        ScalarType.Int32 => new DataField<int>(name, nullable),
        ScalarType.Int64 => new DataField<long>(name, nullable),
        ScalarType.Float32 => new DataField<float>(name, nullable),
        ScalarType.Float64 => new DataField<double>(name, nullable),
        ScalarType.String => new DataField<string>(name, nullable),
        ScalarType.Bytes => new DataField<byte[]>(name, nullable),
        ScalarType.Timestamp => Timestamp(name, nullable),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Timestamps are written as µs since the epoch (INT64), then annotated as timestamps
    /// (<see cref="ParquetTimestampAnnotation"/>): Parquet.Net 6.1 writes the min/max statistics of its own microsecond
    /// timestamps in milliseconds, and readers that prune row groups by them (DuckDB does) would skip matching rows.
    /// </summary>
    private static DataField Timestamp(string name, bool nullable) => new DataField<long>(name, nullable);

    /// <summary>The schema paths of the leaf columns holding timestamps as µs, scalars and list elements.</summary>
    public static IReadOnlyCollection<string> TimestampPaths(LogSchema schema)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal) { LogColumns.RequestTime };
        foreach (var feature in schema.Features)
        {
            if (feature.Type.Scalar == ScalarType.Timestamp)
            {
                var value = LogColumns.Value(feature.Reference);
                paths.Add(feature.Type.IsList ? $"{value}/list/element" : value);
            }
            paths.Add(LogColumns.EventTimestamp(feature.Reference));
        }
        return paths;
    }
}

/// <summary>The three fields of one logged feature.</summary>
internal sealed record LogFeatureFields(Field Value, DataField Status, DataField EventTimestamp);
