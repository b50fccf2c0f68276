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

    public async Task WriteAsync(string path, LogSchema schema, IReadOnlyList<LoggedRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(requests);
        var rows = requests.Sum(r => r.RowCount);
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
                await group.WriteAsync(layout.RequestId, Repeat(requests, rows, r => r.RequestId)).ConfigureAwait(false);
                await group.WriteAsync(layout.RequestTime, (ReadOnlyMemory<long>)Repeat(requests, rows, r => r.RequestTimeMicros), cancellationToken: cancellationToken).ConfigureAwait(false);
                await group.WriteAsync(layout.RegistryVersion, (ReadOnlyMemory<int>)Repeat(requests, rows, r => r.RegistryVersion), cancellationToken: cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < schema.Keys.Count; k++)
                {
                    await WriteKeyAsync(group, layout.Keys[k], schema.Keys[k].Type, requests, k, rows, cancellationToken).ConfigureAwait(false);
                }
                for (var f = 0; f < schema.Features.Count; f++)
                {
                    var columns = requests.Select(r => r.ColumnOf(f)).ToArray();
                    var fields = layout.Features[f];
                    await WriteValuesAsync(group, fields.Value, schema.Features[f].Type, columns, rows, cancellationToken).ConfigureAwait(false);
                    await group.WriteAsync(fields.Status, Statuses(columns, rows)).ConfigureAwait(false);
                    await group.WriteAsync(fields.EventTimestamp, (ReadOnlyMemory<long?>)EventTimestamps(columns, rows), cancellationToken: cancellationToken).ConfigureAwait(false);
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

    private static T[] Repeat<T>(IReadOnlyList<LoggedRequest> requests, int rows, Func<LoggedRequest, T> value)
    {
        var result = new T[rows];
        var offset = 0;
        foreach (var request in requests)
        {
            Array.Fill(result, value(request), offset, request.RowCount);
            offset += request.RowCount;
        }
        return result;
    }

    private static async Task WriteKeyAsync(
        ParquetRowGroupWriter group, DataField field, FeatureType type, IReadOnlyList<LoggedRequest> requests, int key, int rows,
        CancellationToken cancellationToken)
    {
        T[] Gather<T>()
        {
            var result = new T[rows];
            var offset = 0;
            foreach (var request in requests)
            {
                var values = request.KeyValues[key];
                for (var i = 0; i < request.RowCount; i++)
                {
                    result[offset++] = (T)values[i]!;
                }
            }
            return result;
        }
        switch (type.Scalar)
        {
            case ScalarType.Int64:
                await group.WriteAsync(field, (ReadOnlyMemory<long>)Gather<long>(), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Int32:
                await group.WriteAsync(field, (ReadOnlyMemory<int>)Gather<int>(), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.String:
                await group.WriteAsync(field, Gather<string>()).ConfigureAwait(false);
                break;
            case ScalarType.Bytes:
                await group.WriteAsync(field, Gather<byte[]>()).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"Join keys of type {type} are not logged.");
        }
    }

    private static async Task WriteValuesAsync(
        ParquetRowGroupWriter group, Field field, FeatureType type, FeatureColumn[] columns, int rows, CancellationToken cancellationToken)
    {
        if (type.IsList)
        {
            await LogListColumn.WriteAsync(group, (ListField)field, type.Scalar, columns, rows, cancellationToken).ConfigureAwait(false);
            return;
        }
        var data = (DataField)field;
        switch (type.Scalar)
        {
            case ScalarType.Bool:
                await group.WriteAsync(data, (ReadOnlyMemory<bool?>)Present<bool, bool>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Int32:
                await group.WriteAsync(data, (ReadOnlyMemory<int?>)Present<int, int>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Int64:
                await group.WriteAsync(data, (ReadOnlyMemory<long?>)Present<long, long>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Float32:
                await group.WriteAsync(data, (ReadOnlyMemory<float?>)Present<float, float>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Float64:
                await group.WriteAsync(data, (ReadOnlyMemory<double?>)Present<double, double>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.Timestamp:
                await group.WriteAsync(data, (ReadOnlyMemory<long?>)Present<long, long>(columns, rows, v => v), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ScalarType.String:
                await group.WriteAsync(data, PresentReferences<string>(columns, rows)).ConfigureAwait(false);
                break;
            case ScalarType.Bytes:
                await group.WriteAsync(data, PresentReferences<byte[]>(columns, rows)).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"Features of type {type} are not logged.");
        }
    }

    /// <summary>The values of PRESENT entries, null elsewhere (a typed column holds a default there).</summary>
    private static TOut?[] Present<TIn, TOut>(FeatureColumn[] columns, int rows, Func<TIn, TOut> convert)
        where TOut : struct
    {
        var result = new TOut?[rows];
        var offset = 0;
        foreach (var column in columns)
        {
            var values = (TIn[])column.Values;
            var statuses = column.Statuses;
            for (var i = 0; i < statuses.Length; i++, offset++)
            {
                if (statuses[i] == FeatureStatus.Present)
                {
                    result[offset] = convert(values[i]);
                }
            }
        }
        return result;
    }

    private static T?[] PresentReferences<T>(FeatureColumn[] columns, int rows)
        where T : class
    {
        var result = new T?[rows];
        var offset = 0;
        foreach (var column in columns)
        {
            var values = (T?[])column.Values;
            var statuses = column.Statuses;
            for (var i = 0; i < statuses.Length; i++, offset++)
            {
                if (statuses[i] == FeatureStatus.Present)
                {
                    result[offset] = values[i];
                }
            }
        }
        return result;
    }

    private static string[] Statuses(FeatureColumn[] columns, int rows)
    {
        var result = new string[rows];
        var offset = 0;
        foreach (var column in columns)
        {
            foreach (var status in column.Statuses)
            {
                result[offset++] = LogColumns.StatusName(status);
            }
        }
        return result;
    }

    private static long?[] EventTimestamps(FeatureColumn[] columns, int rows)
    {
        var result = new long?[rows];
        var offset = 0;
        foreach (var column in columns)
        {
            foreach (var micros in column.EventTimestampMicros)
            {
                result[offset++] = micros == TimestampMicros.Missing ? null : micros;
            }
        }
        return result;
    }
}
