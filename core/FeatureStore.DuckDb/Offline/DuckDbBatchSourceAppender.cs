using System.Collections;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Appends pushed rows to a batch source as one new Parquet file in the folder the source reads
/// (<see cref="PushFileLocation"/>). The file has the source's own columns, in the order and with the types its
/// files have (read from them), so it reads like every other file of the source: pushed columns are renamed back
/// through <c>field_mapping</c> and cast to the column's type, columns nobody pushes are null. The rows go through
/// a DuckDB staging table (typed by the declared types) and <c>COPY ... TO</c> a hidden temporary file, which is
/// flushed to disk and then renamed: readers see the whole file or none of it.
/// </summary>
public sealed class DuckDbBatchSourceAppender(OfflineStoreOptions? options = null) : IBatchSourceAppender
{
    private const string Staging = "__fs_push";

    private readonly OfflineStoreOptions _options = options ?? new OfflineStoreOptions { Threads = 1 };

    public async Task<BatchAppendResult> AppendAsync(BatchAppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = request.BatchSource;
        var location = PushFileLocation.TryFor(source, request.RepositoryRoot, out var problem)
            ?? throw new UserInputException($"Rows cannot be pushed to the offline store: {problem}.");
        var resolved = source.ResolvePath(request.RepositoryRoot);

        await using var connection = await DuckDbSession.OpenAsync(_options, cancellationToken: cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ColumnInfo> sourceColumns;
        try
        {
            sourceColumns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($path)",
                new Dictionary<string, object?> { ["path"] = resolved }, cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException(
                $"Rows cannot be pushed to the offline store: the files of batch source '{source.Name}' ({resolved}) cannot be read: {DuckDbMessages.Trim(ex.Message)}", ex);
        }

        var pushed = MapColumns(request, sourceColumns);
        await CreateStagingAsync(connection, request, cancellationToken).ConfigureAwait(false);
        Fill(connection, request);

        Directory.CreateDirectory(location.Folder);
        var fileName = location.NewFileName(DateTimeOffset.UtcNow);
        var final = Path.Combine(location.Folder, fileName);
        var temporary = Path.Combine(location.Folder, PushFileLocation.TemporaryName(fileName));
        try
        {
            var select = string.Join(",\n       ", sourceColumns.Select(column =>
                pushed.TryGetValue(column.Name, out var index)
                    ? $"CAST({StagedValue(request.Columns[index], index)} AS {column.Type}) AS {SqlIdentifier.Quote(column.Name)}"
                    : $"CAST(NULL AS {column.Type}) AS {SqlIdentifier.Quote(column.Name)}"));
            try
            {
                await DuckDbCommands.ExecuteAsync(connection,
                    $"COPY (SELECT {select} FROM {Staging} ORDER BY rowid) TO $out (FORMAT PARQUET)",
                    new Dictionary<string, object?> { ["out"] = temporary }, cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDBException ex) when (ex.Message.Contains("Conversion Error", StringComparison.OrdinalIgnoreCase))
            {
                throw await ConversionFailureAsync(connection, request, pushed, sourceColumns, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDBException ex)
            {
                throw new StoreUnavailableException(
                    $"The offline file for batch source '{source.Name}' could not be written in {location.Folder}: {DuckDbMessages.Trim(ex.Message)}", ex);
            }
            FlushToDisk(temporary);
            File.Move(temporary, final, overwrite: false);
            return new BatchAppendResult(final, request.RowCount);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Pushed column index by the source column it is written to; a column the files lack is an error.</summary>
    private static Dictionary<string, int> MapColumns(BatchAppendRequest request, IReadOnlyList<ColumnInfo> sourceColumns)
    {
        var source = request.BatchSource;
        var names = sourceColumns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var pushed = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < request.Columns.Count; i++)
        {
            var name = request.Columns[i].Name;
            var column = name == source.TimestampField || name == source.CreatedTimestampField ? name : source.ColumnFor(name);
            if (!names.Contains(column))
            {
                throw new UserInputException(
                    $"Rows cannot be pushed to the offline store: column '{name}'{(column == name ? "" : $" (source column '{column}' by field_mapping)")} " +
                    $"is not a column of the files of batch source '{source.Name}'; they have: {string.Join(", ", names)}.");
            }
            pushed[column] = i;
        }
        return pushed;
    }

    private static async Task CreateStagingAsync(DuckDBConnection connection, BatchAppendRequest request, CancellationToken cancellationToken)
    {
        var columns = request.Columns.Select((c, i) => $"c{i} {StagingType(c.Type)}");
        await DuckDbCommands.ExecuteAsync(connection, $"CREATE TEMP TABLE {Staging} ({string.Join(", ", columns)})", null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The staging column type of a declared type: the declared type itself, except timestamps (µs since the epoch
    /// as BIGINT, turned into TIMESTAMP in SQL) and lists of bytes (base64 text: the appender writes no BLOB lists).
    /// </summary>
    private static string StagingType(FeatureType type) => type switch
    {
        { Scalar: ScalarType.Timestamp, IsList: false } => "BIGINT",
        { Scalar: ScalarType.Timestamp, IsList: true } => "BIGINT[]",
        { Scalar: ScalarType.Bytes, IsList: true } => "VARCHAR[]",
        _ => DuckDbTypes.SqlType(type),
    };

    /// <summary>The SQL turning staging column <paramref name="index"/> back into its declared type.</summary>
    private static string StagedValue(BatchAppendColumn column, int index) => column.Type switch
    {
        { Scalar: ScalarType.Timestamp, IsList: false } => $"make_timestamp(c{index})",
        { Scalar: ScalarType.Timestamp, IsList: true } => $"list_transform(c{index}, x -> make_timestamp(x))",
        { Scalar: ScalarType.Bytes, IsList: true } => $"list_transform(c{index}, x -> from_base64(x))",
        _ => $"c{index}",
    };

    private static void Fill(DuckDBConnection connection, BatchAppendRequest request)
    {
        using var appender = connection.CreateAppender(Staging);
        for (var row = 0; row < request.RowCount; row++)
        {
            var line = appender.CreateRow();
            foreach (var column in request.Columns)
            {
                Append(line, column.Type, column.Values[row]);
            }
            line.EndRow();
        }
    }

    private static void Append(IDuckDBAppenderRow row, FeatureType type, object? value)
    {
        if (value is null)
        {
            row.AppendNullValue();
            return;
        }
        if (type.IsList)
        {
            var list = (IList)value;
            switch (type.Scalar)
            {
                case ScalarType.Bool: row.AppendValue(Elements<bool>(list)); break;
                case ScalarType.Int32: row.AppendValue(Elements<int>(list)); break;
                case ScalarType.Int64: row.AppendValue(Elements<long>(list)); break;
                case ScalarType.Float32: row.AppendValue(Elements<float>(list)); break;
                case ScalarType.Float64: row.AppendValue(Elements<double>(list)); break;
                case ScalarType.String: row.AppendValue(list.Cast<string?>().ToList()); break;
                case ScalarType.Bytes: row.AppendValue(list.Cast<byte[]?>().Select(b => b is null ? null : Convert.ToBase64String(b)).ToList()); break;
                case ScalarType.Timestamp: row.AppendValue(list.Cast<object?>().Select(t => t is DateTimeOffset d ? Micros(d) : (long?)null).ToList()); break;
            }
            return;
        }
        switch (type.Scalar)
        {
            case ScalarType.Bool: row.AppendValue((bool)value); break;
            case ScalarType.Int32: row.AppendValue((int)value); break;
            case ScalarType.Int64: row.AppendValue((long)value); break;
            case ScalarType.Float32: row.AppendValue((float)value); break;
            case ScalarType.Float64: row.AppendValue((double)value); break;
            case ScalarType.String: row.AppendValue((string)value); break;
            case ScalarType.Bytes: row.AppendValue((byte[])value); break;
            case ScalarType.Timestamp: row.AppendValue(Micros((DateTimeOffset)value)); break;
        }
    }

    private static List<T?> Elements<T>(IList list)
        where T : struct
    {
        var elements = new List<T?>(list.Count);
        foreach (var item in list)
        {
            elements.Add(item is null ? null : (T)item);
        }
        return elements;
    }

    private static long? Micros(DateTimeOffset time) => Core.Online.TimestampMicros.FromDateTimeOffset(time);

    /// <summary>
    /// A value the source's column cannot hold (an int64 beyond an INTEGER column, text outside an ENUM): names the
    /// column and the first row at fault, found by trying the casts one column at a time.
    /// </summary>
    private static async Task<UserInputException> ConversionFailureAsync(
        DuckDBConnection connection, BatchAppendRequest request, Dictionary<string, int> pushed, IReadOnlyList<ColumnInfo> sourceColumns,
        DuckDBException failure, CancellationToken cancellationToken)
    {
        foreach (var column in sourceColumns)
        {
            if (!pushed.TryGetValue(column.Name, out var index))
            {
                continue;
            }
            var value = StagedValue(request.Columns[index], index);
            var sql = $"SELECT coalesce(min(rowid), -1) FROM {Staging} WHERE c{index} IS NOT NULL AND TRY_CAST({value} AS {column.Type}) IS NULL";
            var row = await DuckDbCommands.ScalarAsync<long>(connection, sql, null, cancellationToken).ConfigureAwait(false);
            if (row >= 0)
            {
                return new UserInputException(
                    $"Column '{request.Columns[index].Name}' row {row}: the value does not fit column '{column.Name}' ({column.Type}) of batch source " +
                    $"'{request.BatchSource.Name}'; nothing was written.");
            }
        }
        return new UserInputException(
            $"The pushed rows do not fit the columns of batch source '{request.BatchSource.Name}': {DuckDbMessages.Trim(failure.Message)}; nothing was written.", failure);
    }

    /// <summary>The file's bytes reach the disk before it is renamed into place (so a crash never leaves a torn file).</summary>
    private static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
