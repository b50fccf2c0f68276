using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using Parquet;
using Parquet.Schema;

namespace FeatureStore.DuckDb;

/// <summary>
/// Writes served-feature log rows to Parquet in two steps. The rows arrive as the answers' typed columns, so Parquet.Net
/// first writes them column by column (array copies, no per-value call into a native engine) to an uncompressed raw
/// file with timestamps as µs integers; DuckDB then reads that file and writes the log file proper, typing the
/// timestamps (Parquet.Net 6.1 writes wrong statistics for microsecond timestamps, which would make filtering readers
/// skip matching rows) and compressing. Types: <c>request_id</c> string, <c>request_time</c> and every event timestamp
/// TIMESTAMP WITH TIME ZONE (µs), <c>registry_version</c> int32, join keys and values in their declared types (lists
/// as Parquet lists), statuses as Feast's names. DuckDB, Parquet.Net and any other Parquet reader read the files.
/// </summary>
public sealed class ParquetLogFileWriter : ILogFileWriter
{
    /// <summary>Key-value metadata: the layout version, so readers can tell later layouts apart.</summary>
    public const string FormatVersionKey = "featurestore.log_format_version";

    public const string ServiceKey = "featurestore.feature_service";

    private static readonly ParquetOptions RawOptions = new() { CompressionMethod = CompressionMethod.None };

    /// <summary>One DuckDB thread and little memory: the conversion runs beside serving.</summary>
    private static readonly OfflineStoreOptions ConversionOptions = new() { Threads = 1, MemoryLimit = "256MB" };

    public string Extension => ".parquet";

    public async Task WriteAsync(string path, LogSchema schema, IReadOnlyList<LoggedRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(requests);
        var raw = path + ".raw";
        try
        {
            await WriteRawAsync(raw, schema, requests, cancellationToken).ConfigureAwait(false);
            await ConvertAsync(raw, path, schema, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(raw);
        }
    }

    private static async Task ConvertAsync(string raw, string path, LogSchema schema, CancellationToken cancellationToken)
    {
        var (scalars, lists) = LogParquetSchema.TimestampColumns(schema);
        var replaced = scalars.Select(c => $"make_timestamp({SqlIdentifier.Quote(c)})::TIMESTAMPTZ AS {SqlIdentifier.Quote(c)}")
            .Concat(lists.Select(c => $"list_transform({SqlIdentifier.Quote(c)}, x -> make_timestamp(x)::TIMESTAMPTZ) AS {SqlIdentifier.Quote(c)}"));
        var sql = $"COPY (SELECT * REPLACE ({string.Join(", ", replaced)}) FROM read_parquet($raw, hive_partitioning = false)) TO $out " +
                  $"(FORMAT PARQUET, KV_METADATA {{{SqlIdentifier.Quote(FormatVersionKey)}: '1', {SqlIdentifier.Quote(ServiceKey)}: $service}})";
        await using var connection = await DuckDbSession.OpenAsync(ConversionOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        await DuckDbCommands.ExecuteAsync(connection, sql,
            new Dictionary<string, object?> { ["raw"] = raw, ["out"] = path, ["service"] = schema.Service ?? "" }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteRawAsync(string path, LogSchema schema, IReadOnlyList<LoggedRequest> requests, CancellationToken cancellationToken)
    {
        var rows = requests.Sum(r => r.RowCount);
        var layout = LogParquetSchema.For(schema);
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (var writer = await ParquetWriter.CreateAsync(layout.Schema, stream, RawOptions, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using var group = writer.CreateRowGroup();
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
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
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
