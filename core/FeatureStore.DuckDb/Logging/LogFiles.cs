using DuckDB.NET.Data;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Logging;

namespace FeatureStore.DuckDb;

/// <summary>
/// The Parquet files of a served-feature log, given as a folder (every <c>*.parquet</c> below it: a service's folder
/// or a <c>date=</c> folder of it) or as one file, with their columns as DuckDB reads them together (by name, so files
/// written before a service gained a feature still read, with nulls there).
/// </summary>
internal sealed record LogFiles(string Where, IReadOnlyList<string> Files, IReadOnlyList<ColumnInfo> Columns)
{
    /// <summary>The relation over every file, matching columns by name.</summary>
    public const string RelationSql = "read_parquet($logs, union_by_name = true, hive_partitioning = false)";

    /// <summary>The same with <c>filename</c> and <c>file_row_number</c>, which order the rows as written.</summary>
    public const string OrderedRelationSql = "read_parquet($logs, union_by_name = true, filename = true, file_row_number = true, hive_partitioning = false)";

    public const string FilesParameter = "logs";

    public static async Task<LogFiles> OpenAsync(DuckDBConnection connection, string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        IReadOnlyList<string> files;
        if (Directory.Exists(full))
        {
            files = await DuckDbCommands.ListAsync(connection, "SELECT file FROM glob($pattern) ORDER BY file",
                new Dictionary<string, object?> { ["pattern"] = Path.Combine(full, "**", "*.parquet") }, cancellationToken);
            if (files.Count == 0)
            {
                throw new NotFoundException($"No log files (*.parquet) under '{full}'.");
            }
        }
        else if (File.Exists(full))
        {
            files = [full];
        }
        else
        {
            throw new NotFoundException($"Log folder or file '{full}' does not exist.");
        }

        IReadOnlyList<ColumnInfo> columns;
        try
        {
            columns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($logs, union_by_name = true, hive_partitioning = false)",
                new Dictionary<string, object?> { [FilesParameter] = files.ToList() }, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot read the log files at '{full}' as Parquet: {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        foreach (var required in new[] { LogColumns.RequestId, LogColumns.RequestTime })
        {
            if (columns.All(c => c.Name != required))
            {
                throw new UserInputException(
                    $"'{full}' is not a served-feature log: it has no '{required}' column. Its columns: {string.Join(", ", columns.Select(c => c.Name))}.");
            }
        }
        return new LogFiles(full, files, columns);
    }

    public bool Has(string column) => Columns.Any(c => c.Name == column);

    public Dictionary<string, object?> Parameters() => new() { [FilesParameter] = Files.ToList() };
}
