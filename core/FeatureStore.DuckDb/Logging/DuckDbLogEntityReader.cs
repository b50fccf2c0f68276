using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Logging;

namespace FeatureStore.DuckDb;

/// <summary>
/// <see cref="ILogEntityReader"/> in DuckDB: the log files are read together by column name and copied, in file and
/// row order, to one Parquet entity file.
/// </summary>
public sealed class DuckDbLogEntityReader : ILogEntityReader
{
    public async Task<bool> TryWriteEntityFileAsync(
        string path, DefinitionSet definitions, bool keepLogColumns, string entityFile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var full = Path.GetFullPath(path);
        var isFolder = Directory.Exists(full);
        if (!isFolder && !(File.Exists(full) && Path.GetExtension(full).Equals(".parquet", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        await using var connection = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken);
        if (!isFolder && !await IsLogFileAsync(connection, full, cancellationToken))
        {
            return false;
        }
        var logs = await LogFiles.OpenAsync(connection, full, cancellationToken);
        var joinKeys = definitions.Entities.Select(e => e.JoinKey).ToHashSet(StringComparer.Ordinal);
        var keys = logs.Columns.Where(c => joinKeys.Contains(c.Name)).Select(c => c.Name).ToArray();
        if (keys.Length == 0)
        {
            throw new UserInputException(
                $"The served-feature log at '{full}' has no join-key column of any entity of the applied definitions. Its columns: {string.Join(", ", logs.Columns.Select(c => c.Name))}.");
        }
        var columns = keepLogColumns
            ? logs.Columns.Select(c => c.Name).ToArray()
            : [.. keys, LogColumns.RequestTime];
        var parameters = logs.Parameters();
        parameters["out"] = Path.GetFullPath(entityFile);
        try
        {
            await DuckDbCommands.ExecuteAsync(connection,
                $"COPY (SELECT {string.Join(", ", columns.Select(SqlIdentifier.Quote))} FROM {LogFiles.OrderedRelationSql} ORDER BY filename, file_row_number) TO $out (FORMAT PARQUET)",
                parameters, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot read the served-feature log at '{full}': {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        return true;
    }

    private static async Task<bool> IsLogFileAsync(DuckDBConnection connection, string file, CancellationToken cancellationToken)
    {
        try
        {
            var columns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($file)", new Dictionary<string, object?> { ["file"] = file }, cancellationToken);
            return columns.Any(c => c.Name == LogColumns.RequestId) && columns.Any(c => c.Name == LogColumns.RequestTime);
        }
        catch (DuckDBException)
        {
            // Not readable as Parquet: the training set reports it as an entity file, with its own message.
            return false;
        }
    }
}
