using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.DuckDb;

/// <summary>
/// Renders a <see cref="TrainingSetPlan"/> as one DuckDB query over <c>read_parquet</c>. Parameters:
/// <c>$entities</c> (the entity Parquet file) and <c>$files_N</c> (the file list of view N). The point-in-time rule
/// comes from <see cref="LatestValueRule"/>; this class only wires it into joins:
/// <list type="bullet">
/// <item>default: one <c>ASOF LEFT JOIN</c> per view on the join keys and
/// <c>probe(T) &gt;= version_key(event, created)</c> (<see cref="LatestRowSql.VersionKeySql"/>), which picks the
/// greatest version with event &lt;= T, then the TTL bound (<see cref="LatestRowSql.WithinTtlSql"/>) nulls out
/// matches older than T - TTL; a source whose keys never have two rows at one event time
/// (<see cref="EventTimeTieCheck"/>) orders by the event time alone, which picks the same rows;</item>
/// <item><c>--as-of-created</c>: a running <c>arg_max</c> of the same version key per join key, ordered by when each
/// row became available (<c>greatest(event, created)</c>), then an <c>ASOF LEFT JOIN</c> on availability &lt;= T and
/// the same TTL bound.</item>
/// </list>
/// Entity rows keep their order through the file's row number; duplicates stay.
/// </summary>
internal static class TrainingSetSql
{
    public const string EntityRowColumn = "__fs_row";
    private const string EntityTimeColumn = "__fs_t";

    /// <summary>The entity row's time in µs, computed once for the probe and every feature's TTL check.</summary>
    private const string EntityMicrosColumn = "__fs_tu";
    private const string VersionColumn = "__fs_ver";

    public static string EntitiesParameter => "entities";

    public static string FilesParameter(int viewIndex) => $"files_{viewIndex}";

    /// <summary>The query over the entity file <c>$entities</c>, rows in entity-file order.</summary>
    public static string Build(TrainingSetPlan plan)
    {
        var entities = $"SELECT *, file_row_number AS {EntityRowColumn}, {plan.EntityTimestampSql} AS {EntityTimeColumn}\n" +
                       $"        FROM read_parquet(${EntitiesParameter}, file_row_number = true)";
        return Render(plan, entities, inEntityOrder: true);
    }

    /// <summary>
    /// The same join with the entity rows taken from <paramref name="entitiesSql"/> (a query holding at least the plan's
    /// entity columns), in no particular order: the audit feeds the log rows themselves in, so each row is recomputed
    /// by exactly the training set's rule with its served columns carried alongside.
    /// </summary>
    public static string BuildOver(TrainingSetPlan plan, string entitiesSql) =>
        Render(plan, $"SELECT *, {plan.EntityTimestampSql} AS {EntityTimeColumn}\n        FROM ({entitiesSql})", inEntityOrder: false);

    private static string Render(TrainingSetPlan plan, string entitiesSql, bool inEntityOrder)
    {
        var sql = new StringBuilder();
        sql.Append("WITH __fs_entities AS (\n");
        sql.Append($"  SELECT *, epoch_us({EntityTimeColumn}) AS {EntityMicrosColumn}\n");
        sql.Append($"  FROM ({entitiesSql})\n)");
        for (var i = 0; i < plan.Views.Count; i++)
        {
            sql.Append(",\n");
            AppendViewRelation(sql, plan, i);
        }

        sql.Append("\nSELECT ");
        var projections = plan.EntityColumns.Select(c => $"e.{SqlIdentifier.Quote(c)}")
            .Concat(plan.Features.Select(f => $"{FeatureValueSql(plan, f)} AS {SqlIdentifier.Quote(f.OutputName)}"));
        sql.Append(string.Join(",\n       ", projections));
        sql.Append("\nFROM __fs_entities e");
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            var alias = ViewAlias(i);
            var conditions = view.Keys.Select(k => $"CAST(e.{k.EntityColumnSql} AS {k.SqlType}) = {alias}.{KeyColumn(k, i)}").ToList();
            conditions.Add(plan.AsOfCreated
                ? $"e.{EntityTimeColumn} >= {alias}.__fs_avail"
                : $"{LatestRowSql.AsOfProbeKeySql($"e.{EntityMicrosColumn}", KeyHasCreated(plan, view))} >= {alias}.{VersionColumn}");
            sql.Append($"\nASOF LEFT JOIN __fs_v{i} {alias} ON {string.Join(" AND ", conditions)}");
        }
        if (inEntityOrder)
        {
            sql.Append($"\nORDER BY e.{EntityRowColumn}");
        }
        return sql.ToString();
    }

    /// <summary>
    /// Counts, over all of view <paramref name="viewIndex"/>'s files, the rows that are never a candidate (event
    /// timestamp NULL or not an instant) and the candidates with a NULL join key, which match no entity row. Reads only
    /// the key and event columns. Parameter <c>$files_N</c>.
    /// </summary>
    public static string SkippedRowsSql(TrainingSetPlan plan, int viewIndex)
    {
        var view = plan.Views[viewIndex];
        var candidate = LatestRowSql.IsCandidateSql("__fs_e");
        var keyMissing = string.Join(" OR ", view.Keys.Select(k => $"{k.SourceColumnSql} IS NULL"));
        return $"""
            SELECT count(*) FILTER (WHERE NOT coalesce({candidate}, false)), count(*) FILTER (WHERE {candidate} AND ({keyMissing}))
              FROM (SELECT {view.EventTimestampSql} AS __fs_e, {string.Join(", ", view.Keys.Select(k => k.SourceColumnSql).Distinct())}
                      FROM read_parquet(${FilesParameter(viewIndex)}))
            """;
    }

    private static void AppendViewRelation(StringBuilder sql, TrainingSetPlan plan, int index)
    {
        var view = plan.Views[index];
        var features = plan.Features.Where(f => f.ViewIndex == index).ToArray();
        var keys = view.Keys.Select(k => $"CAST({k.SourceColumnSql} AS {k.SqlType}) AS {KeyColumn(k, index)}").ToList();
        var values = features.Select(f => $"CAST({f.SourceColumnSql} AS {f.SqlType}) AS {FeatureColumn(f, plan)}").ToList();
        var rows = new List<string>(keys)
        {
            $"{view.EventTimestampSql} AS __fs_e",
        };
        if (view.CreatedTimestampSql is not null)
        {
            rows.Add($"{view.CreatedTimestampSql} AS __fs_c");
        }
        rows.AddRange(values);
        var created = view.CreatedTimestampSql is null ? null : "__fs_c";
        var source = $"SELECT {string.Join(", ", rows)} FROM read_parquet(${FilesParameter(index)})";
        var candidates = $"FROM ({source}) WHERE {LatestRowSql.IsCandidateSql("__fs_e")}";
        var versionKey = LatestRowSql.VersionKeySql("__fs_e", KeyHasCreated(plan, view) ? created : null);

        if (!plan.AsOfCreated)
        {
            // The version key carries the event time, so it is not projected separately (less to sort).
            var kept = view.Keys.Select(k => KeyColumn(k, index))
                .Concat(features.Select(f => FeatureColumn(f, plan)));
            sql.Append($"__fs_v{index} AS (\n  SELECT {string.Join(", ", kept)}, {versionKey} AS {VersionColumn}\n");
            sql.Append($"  {candidates}\n)");
            return;
        }

        // As of created: for each key, the winner among rows available by each availability time, then ASOF on it.
        var keyNames = view.Keys.Select(k => KeyColumn(k, index)).ToArray();
        var carried = new[] { $"{VersionColumn} := {VersionColumn}" }.Concat(features.Select(f => $"{FeatureColumn(f, plan)} := {FeatureColumn(f, plan)}"));
        sql.Append($"__fs_v{index} AS (\n  SELECT {string.Join(", ", keyNames)}, __fs_avail,\n");
        sql.Append($"    arg_max(struct_pack({string.Join(", ", carried)}), {LatestRowSql.AggregateVersionKeySql(VersionColumn, created is not null)})\n");
        sql.Append($"      OVER (PARTITION BY {string.Join(", ", keyNames)} ORDER BY __fs_avail RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __fs_best\n");
        sql.Append($"  FROM (SELECT *, {versionKey} AS {VersionColumn}, {LatestRowSql.AvailableAtSql("__fs_e", created)} AS __fs_avail {candidates})\n)");
    }

    private static string FeatureValueSql(TrainingSetPlan plan, OutputFeature feature)
    {
        var view = plan.Views[feature.ViewIndex];
        var alias = ViewAlias(feature.ViewIndex);
        var (versionSql, valueSql) = plan.AsOfCreated
            ? ($"{alias}.__fs_best.{VersionColumn}", $"{alias}.__fs_best.{FeatureColumn(feature, plan)}")
            : ($"{alias}.{VersionColumn}", $"{alias}.{FeatureColumn(feature, plan)}");
        var eventMicros = LatestRowSql.VersionEventMicrosSql(versionSql, KeyHasCreated(plan, view));
        var within = LatestRowSql.WithinTtlSql(eventMicros, $"e.{EntityMicrosColumn}", view.View.Ttl);
        return $"CASE WHEN {within} THEN {valueSql} END";
    }

    /// <summary>
    /// Whether a view's version key has the created part: always with one for <c>--as-of-created</c>; for the default
    /// join only when ties on event time may need it (<see cref="ViewJoinPlan.BreaksTiesOnCreated"/>), the event time
    /// alone being an integer key, which DuckDB's ASOF join sorts far faster than the (event, created) struct.
    /// </summary>
    private static bool KeyHasCreated(TrainingSetPlan plan, ViewJoinPlan view) =>
        plan.AsOfCreated ? view.CreatedTimestampSql is not null : view.BreaksTiesOnCreated;

    private static string ViewAlias(int index) => $"v{index}";

    // Join keys are checked plain identifiers and distinct within a view.
    private static string KeyColumn(KeyJoinPlan key, int viewIndex) => $"__fs_k_{key.JoinKey}";

    private static string FeatureColumn(OutputFeature feature, TrainingSetPlan plan) => $"__fs_f{feature.Position}";
}
