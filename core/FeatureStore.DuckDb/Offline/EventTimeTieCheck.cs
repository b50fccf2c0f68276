using DuckDB.NET.Data;
using FeatureStore.Core.Errors;

namespace FeatureStore.DuckDb;

/// <summary>
/// Finds the views whose created timestamp never decides a winner. The point-in-time rule orders a key's rows by
/// (event, created); the created timestamp only matters between candidate rows of one join key at one event time. A
/// source without such ties gets the same winners from the event time alone, and the training-set join then orders by
/// an integer instead of a two-field struct (<see cref="ViewJoinPlan.BreaksTiesOnCreated"/>), which DuckDB's ASOF
/// join sorts several times faster. The check is one pass over the key and event columns, a hash aggregate as large as
/// the source; it pays off when the source has no more rows than the join's probe side (an audit's day of logs against
/// a daily table), and costs more than it saves when the source is much larger (years of history joined to a sample),
/// so it only runs in the first case (row counts from the Parquet footers).
/// </summary>
internal static class EventTimeTieCheck
{
    /// <summary>
    /// The plan with <see cref="ViewJoinPlan.EventTimeTies"/> settled for every view with a created timestamp whose
    /// source has at most <paramref name="probeRows"/> rows (the <c>--as-of-created</c> join always needs the created
    /// timestamp, so that plan is returned as it is).
    /// </summary>
    public static async Task<TrainingSetPlan> ApplyAsync(
        DuckDBConnection connection, TrainingSetPlan plan, long probeRows, CancellationToken cancellationToken)
    {
        if (plan.AsOfCreated || plan.Views.All(v => v.CreatedTimestampSql is null))
        {
            return plan;
        }
        var views = new List<ViewJoinPlan>();
        foreach (var view in plan.Views)
        {
            if (view.CreatedTimestampSql is null)
            {
                views.Add(view);
                continue;
            }
            try
            {
                var files = new Dictionary<string, object?> { ["files"] = view.Files.ToList() };
                var sourceRows = await DuckDbCommands.ScalarAsync<long>(connection, RowCountSql, files, cancellationToken);
                var ties = sourceRows > probeRows || await DuckDbCommands.ScalarAsync<bool>(connection, Sql(view), files, cancellationToken);
                views.Add(view with { EventTimeTies = ties });
            }
            catch (DuckDBException ex)
            {
                throw new UserInputException(
                    $"Cannot read source '{view.Source.Name}' of feature view '{view.View.Name}': {DuckDbMessages.Trim(ex.Message)}", ex);
            }
        }
        return plan with { Views = views };
    }

    /// <summary>Rows in files <c>$files</c>, from their footers.</summary>
    public const string RowCountSql = "SELECT CAST(coalesce(sum(num_rows), 0) AS BIGINT) FROM parquet_file_metadata($files)";

    /// <summary>Whether two candidate rows (a real event time) share join key and event time; parameter <c>$files</c>.</summary>
    private static string Sql(ViewJoinPlan view)
    {
        var keys = view.Keys.Select(k => $"CAST({k.SourceColumnSql} AS {k.SqlType})");
        return $"""
            SELECT EXISTS (
              SELECT 1 FROM read_parquet($files)
              WHERE {LatestRowSql.IsCandidateSql(view.EventTimestampSql)}
              GROUP BY {string.Join(", ", keys)}, epoch_us({view.EventTimestampSql})
              HAVING count(*) > 1)
            """;
    }
}
