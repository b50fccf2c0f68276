using System.Buffers;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Online;
using Parquet;
using Parquet.Schema;

namespace FeatureStore.DuckDb;

/// <summary>
/// Writes served-feature log rows to Parquet in one pass. The rows arrive as the answers' typed columns, so Parquet.Net
/// writes them column by column (array copies, no per-value call into a native engine), Snappy-compressed, with
/// timestamps as µs integers that <see cref="ParquetTimestampAnnotation"/> types as TIMESTAMP(MICROS, UTC), so their
/// statistics are exact. Types: <c>request_id</c> string, <c>request_time</c> and every event timestamp TIMESTAMP WITH
/// TIME ZONE (µs), <c>registry_version</c> int32, join keys and values in their declared types (lists as Parquet
/// lists), statuses as Feast's names. DuckDB, Parquet.Net and any other Parquet reader read the files.
/// </summary>
public sealed class ParquetLogFileWriter : ILogFileWriter
{
    /// <summary>Key-value metadata: the layout version, so readers can tell later layouts apart.</summary>
    public const string FormatVersionKey = "featurestore.log_format_version";

    public const string ServiceKey = "featurestore.feature_service";

    public string Extension => ".parquet";

    public async Task WriteAsync(string path, LogBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var schema = batch.Schema;
        var rows = batch.Count;
        var layout = LogParquetSchema.For(schema);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (var writer = await ParquetWriter.CreateAsync(layout.Schema, stream, Options(layout), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [FormatVersionKey] = "1",
                [ServiceKey] = schema.Service ?? "",
            };
            using (var group = writer.CreateRowGroup())
            {
                await group.WriteAsync(layout.RequestId, batch.RequestIds).ConfigureAwait(false);
                await group.WriteAsync(layout.RequestTime, batch.RequestTimeMicros, cancellationToken: cancellationToken).ConfigureAwait(false);
                await group.WriteAsync(layout.RegistryVersion, batch.RegistryVersions, cancellationToken: cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < schema.Keys.Count; k++)
                {
                    await WriteKeyAsync(group, layout.Keys[k], schema.Keys[k].Type, batch.KeyValues(k), cancellationToken).ConfigureAwait(false);
                }
                for (var f = 0; f < schema.Features.Count; f++)
                {
                    var column = batch.Feature(f);
                    var fields = layout.Features[f];
                    await WriteValuesAsync(group, fields.Value, schema.Features[f].Type, column, rows, cancellationToken).ConfigureAwait(false);
                    await WritePooledAsync(group, fields.Status, Statuses(column, rows), rows, cancellationToken).ConfigureAwait(false);
                    await WritePooledAsync(group, fields.EventTimestamp, EventTimestamps(column, rows), rows, cancellationToken).ConfigureAwait(false);
                }
                group.CompleteValidate();
            }
            ParquetTimestampAnnotation.Apply(writer, LogParquetSchema.TimestampPaths(schema));
        }
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Snappy, and dictionaries for the columns of few distinct values that every reader of a log filters or compares
    /// on: the request id (one per request, repeated per entity) and the statuses (four names).
    /// </summary>
    private static ParquetOptions Options(LogParquetSchema layout)
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        options.ColumnEncodingHints[layout.RequestId.Path.ToString()] = EncodingHint.Dictionary;
        foreach (var feature in layout.Features)
        {
            options.ColumnEncodingHints[feature.Status.Path.ToString()] = EncodingHint.Dictionary;
        }
        return options;
    }

    private static async Task WriteKeyAsync(
        ParquetRowGroupWriter group, DataField field, FeatureType type, ReadOnlyMemory<object?> values, CancellationToken cancellationToken)
    {
        T[] Typed<T>()
        {
            var result = new T[values.Length];
            var span = values.Span;
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = (T)span[i]!;
            }
            return result;
        }
        switch (type.Scalar)
        {
            case ScalarType.Int64:
                await group.WriteAsync(field, (ReadOnlyMemory<long>)Typed<long>(), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Int32:
                await group.WriteAsync(field, (ReadOnlyMemory<int>)Typed<int>(), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.String:
                await group.WriteAsync(field, Typed<string>()).ConfigureAwait(false);
                break;
            case ScalarType.Bytes:
                await group.WriteAsync(field, Typed<byte[]>()).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"Join keys of type {type} are not logged.");
        }
    }

    private static Task WriteValuesAsync(
        ParquetRowGroupWriter group, Field field, FeatureType type, FeatureColumn column, int rows, CancellationToken cancellationToken)
    {
        if (type.IsList)
        {
            return LogListColumn.WriteAsync(group, (ListField)field, type.Scalar, column, rows, cancellationToken);
        }
        var data = (DataField)field;
        return type.Scalar switch
        {
            ScalarType.Bool => WritePooledAsync(group, data, Present<bool>(column, rows), rows, cancellationToken),
            ScalarType.Int32 => WritePooledAsync(group, data, Present<int>(column, rows), rows, cancellationToken),
            ScalarType.Int64 or ScalarType.Timestamp => WritePooledAsync(group, data, Present<long>(column, rows), rows, cancellationToken),
            ScalarType.Float32 => WritePooledAsync(group, data, Present<float>(column, rows), rows, cancellationToken),
            ScalarType.Float64 => WritePooledAsync(group, data, Present<double>(column, rows), rows, cancellationToken),
            ScalarType.String => WritePooledAsync(group, data, PresentReferences<string>(column, rows), rows, cancellationToken),
            ScalarType.Bytes => WritePooledAsync(group, data, PresentReferences<byte[]>(column, rows), rows, cancellationToken),
            _ => throw new NotSupportedException($"Features of type {type} are not logged."),
        };
    }

    // The per-column arrays below come from the shared pool and go back once written: a file of 10,000 rows of 50
    // features would otherwise allocate a few hundred large arrays.

    private static async Task WritePooledAsync<T>(ParquetRowGroupWriter group, DataField field, T?[] pooled, int rows, CancellationToken cancellationToken)
        where T : struct
    {
        try
        {
            await group.WriteAsync(field, (ReadOnlyMemory<T?>)pooled.AsMemory(0, rows), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(pooled);
        }
    }

    private static async Task WritePooledAsync(ParquetRowGroupWriter group, DataField field, string?[] pooled, int rows, CancellationToken cancellationToken)
    {
        try
        {
            // Parquet.Net's string and byte-array writes take no token: a cancelled write stops before the column.
            cancellationToken.ThrowIfCancellationRequested();
            await group.WriteAsync(field, new ArraySegment<string?>(pooled, 0, rows)!).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<string?>.Shared.Return(pooled, clearArray: true);
        }
    }

    private static async Task WritePooledAsync(ParquetRowGroupWriter group, DataField field, byte[]?[] pooled, int rows, CancellationToken cancellationToken)
    {
        try
        {
            // Parquet.Net's string and byte-array writes take no token: a cancelled write stops before the column.
            cancellationToken.ThrowIfCancellationRequested();
            await group.WriteAsync(field, new ArraySegment<byte[]?>(pooled, 0, rows)!).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte[]?>.Shared.Return(pooled, clearArray: true);
        }
    }

    /// <summary>The values of PRESENT entries, null elsewhere (a typed column holds a default there).</summary>
    private static T?[] Present<T>(FeatureColumn column, int rows)
        where T : struct
    {
        var result = ArrayPool<T?>.Shared.Rent(rows);
        var values = (T[])column.Values;
        var statuses = column.Statuses;
        for (var i = 0; i < rows; i++)
        {
            result[i] = statuses[i] == FeatureStatus.Present ? values[i] : null;
        }
        return result;
    }

    private static T?[] PresentReferences<T>(FeatureColumn column, int rows)
        where T : class
    {
        var result = ArrayPool<T?>.Shared.Rent(rows);
        var values = (T?[])column.Values;
        var statuses = column.Statuses;
        for (var i = 0; i < rows; i++)
        {
            result[i] = statuses[i] == FeatureStatus.Present ? values[i] : null;
        }
        return result;
    }

    private static string?[] Statuses(FeatureColumn column, int rows)
    {
        var result = ArrayPool<string?>.Shared.Rent(rows);
        var statuses = column.Statuses;
        for (var i = 0; i < rows; i++)
        {
            result[i] = LogColumns.StatusName(statuses[i]);
        }
        return result;
    }

    private static long?[] EventTimestamps(FeatureColumn column, int rows)
    {
        var result = ArrayPool<long?>.Shared.Rent(rows);
        var micros = column.EventTimestampMicros;
        for (var i = 0; i < rows; i++)
        {
            result[i] = micros[i] == TimestampMicros.Missing ? null : micros[i];
        }
        return result;
    }
}
