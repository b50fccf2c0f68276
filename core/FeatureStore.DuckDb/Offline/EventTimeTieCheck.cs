using DuckDB.NET.Data;
using FeatureStore.Core.Errors;

namespace FeatureStore.DuckDb;

/// <summary>
/// Finds the views whose created timestamp never decides a winner. The point-in-time rule orders a key's rows by
/// (event, created); the created timestamp only matters between candidate rows of one join key at one event time. A
/// source without such ties gets the same winners from the event time alone, and the training-set join then orders by
/// an integer instead of a two-field struct (<see cref="ViewJoinPlan.BreaksTiesOnCreated"/>), which DuckDB's ASOF
/// join sorts several times faster. The check is one pass over the key and event columns.
/// </summary>
internal static class EventTimeTieCheck
{
    /// <summary>
    /// The plan with <see cref="ViewJoinPlan.EventTimeTies"/> settled for every view with a created timestamp (the
    /// <c>--as-of-created</c> join always needs it, so that plan is returned as it is).
    /// </summary>
    public static async Task<TrainingSetPlan> ApplyAsync(DuckDBConnection connection, TrainingSetPlan plan, CancellationToken cancellationToken)
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
                var ties = await DuckDbCommands.ScalarAsync<bool>(connection, Sql(view),
                    new Dictionary<string, object?> { ["files"] = view.Files.ToList() }, cancellationToken);
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
