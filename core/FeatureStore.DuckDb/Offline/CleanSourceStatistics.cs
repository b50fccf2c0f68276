using DuckDB.NET.Data;

namespace FeatureStore.DuckDb;

/// <summary>
/// Whether a source's Parquet statistics alone prove that no row would be skipped (no NULL join key, no NULL or
/// infinite event timestamp), so the exact counting pass over the data can be left out. Only footers are read.
/// The proof holds when every row group of every file reports a null count of 0 for each key and event column and
/// bounds for the event column that are plain dates of a four-digit year (DuckDB prints an infinite bound as
/// <c>infinity</c>, and an out-of-range one with a longer year or a BC suffix). Anything missing or unexpected
/// (no statistics, a column not found under its plain name, a text event column whose bounds say nothing about
/// the values between them) proves nothing, and the caller counts exactly.
/// </summary>
internal static class CleanSourceStatistics
{
    private const string FilesParameter = "files";
    private const string ColumnsParameter = "columns";
    private const string EventParameter = "event";

    /// <summary>A bound as DuckDB prints it for a finite date or timestamp (zoned ones carry an offset).</summary>
    private const string FiniteBoundPattern = @"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d+)?)?([+-]\d{2}(:\d{2})?)?";

    /// <summary>
    /// Event column types whose stored values are ordered instants, so the row group's bounds enclose every value;
    /// text is excluded (its bounds order strings, not instants).
    /// </summary>
    private static readonly HashSet<string> InstantTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ",
    };

    private static readonly string Sql = $"""
        WITH stats AS (
          SELECT file_name, row_group_id, path_in_schema, stats_null_count, stats_min_value, stats_max_value
            FROM parquet_metadata(${FilesParameter})),
        row_groups AS (SELECT DISTINCT file_name, row_group_id FROM stats),
        wanted AS (SELECT DISTINCT unnest(${ColumnsParameter}) AS column_name),
        checked AS (
          SELECT w.column_name, s.path_in_schema, s.stats_null_count, s.stats_min_value, s.stats_max_value
            FROM row_groups g CROSS JOIN wanted w
            LEFT JOIN stats s ON s.file_name = g.file_name AND s.row_group_id = g.row_group_id AND s.path_in_schema = w.column_name)
        SELECT count(*) FILTER (WHERE path_in_schema IS NULL
            OR stats_null_count IS DISTINCT FROM 0
            OR (column_name = ${EventParameter} AND NOT (coalesce(regexp_full_match(stats_min_value, '{FiniteBoundPattern}'), false)
                                                   AND coalesce(regexp_full_match(stats_max_value, '{FiniteBoundPattern}'), false))))
          FROM checked
        """;

    /// <summary>
    /// True when the statistics of <paramref name="files"/> prove that no row has a NULL in
    /// <paramref name="keyColumns"/> or a NULL or infinite <paramref name="eventColumn"/>; false when they do not.
    /// </summary>
    public static async Task<bool> ProveNoneSkippedAsync(
        DuckDBConnection connection, IReadOnlyList<string> files, IReadOnlyList<string> keyColumns, ColumnInfo eventColumn, CancellationToken cancellationToken)
    {
        if (!InstantTypes.Contains(eventColumn.Type.Trim()))
        {
            return false;
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.Parameters.Add(new DuckDBParameter(FilesParameter, files.ToList()));
            command.Parameters.Add(new DuckDBParameter(ColumnsParameter, keyColumns.Append(eventColumn.Name).ToList()));
            command.Parameters.Add(new DuckDBParameter(EventParameter, eventColumn.Name));
            await using var _ = cancellationToken.Register(command.Cancel);
            var unproven = await command.ExecuteScalarAsync(cancellationToken);
            return Convert.ToInt64(unproven, System.Globalization.CultureInfo.InvariantCulture) == 0;
        }
        catch (DuckDBException) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreadable metadata proves nothing; the exact pass reads the files and reports what is wrong with them.
            return false;
        }
    }
}
