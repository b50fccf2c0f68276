using System.Text;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Core.Offline;

/// <summary>
/// Renders a <see cref="TrainingSetPlan"/> as one DuckDB query over <c>read_parquet</c>. Parameters:
/// <c>$entities</c> (the entity Parquet file) and <c>$files_N</c> (the file list of view N). The point-in-time rule
/// comes from <see cref="LatestValueRule"/>; this class only wires it into joins. Per view:
/// <list type="bullet">
/// <item>default: an <c>ASOF LEFT JOIN</c> on the join keys and <c>T &gt;= event</c> finds the greatest event time
/// &lt;= T, and the TTL bound drops it when older than T - TTL. With a created timestamp, the winner among rows
/// tying on (keys, that event time) is then picked by <c>arg_max</c> over the rule's version key, computed only for
/// the (keys, event time) pairs some entity row matched (a semi-join), which is much cheaper than reducing ties over
/// the whole source or joining on a wider (event, created) key. Without a created timestamp the ASOF join carries
/// the feature values directly.</item>
/// <item><c>--as-of-created</c>: a running <c>arg_max</c> window per key, ordered by when each row became available
/// (<c>greatest(event, created)</c>), then an <c>ASOF LEFT JOIN</c> on availability &lt;= T.</item>
/// </list>
/// Entity rows keep their order through the file's row number; duplicates stay.
/// </summary>
internal static class TrainingSetSql
{
    public const string EntityRowColumn = "__fs_row";
    private const string EntityTimeColumn = "__fs_t";

    public static string EntitiesParameter => "entities";

    public static string FilesParameter(int viewIndex) => $"files_{viewIndex}";

    public static string Build(TrainingSetPlan plan) => plan.AsOfCreated ? BuildAsOfCreated(plan) : BuildLatest(plan);

    private static string BuildLatest(TrainingSetPlan plan)
    {
        var sql = new StringBuilder();
        AppendEntities(sql, plan);
        // Phase 1: per view, the matched event time (within TTL), plus the values when no tie-break is needed.
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            var features = FeaturesOf(plan, i);
            var columns = KeyProjections(view).Append($"{view.EventTimestampSql} AS __fs_e");
            if (view.CreatedTimestampSql is null)
            {
                columns = columns.Concat(features.Select(FeatureProjection));
            }
            sql.Append($",\n__fs_s{i} AS (\n  SELECT {string.Join(", ", columns)}\n  FROM read_parquet(${FilesParameter(i)}) WHERE __fs_e IS NOT NULL\n)");
        }
        var matched = new List<string> { "e.*" };
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            var within = LatestValueRule.WithinTtlSql($"s{i}.__fs_e", $"e.{EntityTimeColumn}", view.View.Ttl);
            matched.Add($"CASE WHEN {within} THEN s{i}.__fs_e END AS __fs_e{i}");
            if (view.CreatedTimestampSql is null)
            {
                matched.AddRange(FeaturesOf(plan, i).Select(f => $"CASE WHEN {within} THEN s{i}.{FeatureColumn(f)} END AS {FeatureColumn(f)}"));
            }
        }
        sql.Append($",\n__fs_m AS (\n  SELECT {string.Join(", ", matched)}\n  FROM __fs_entities e");
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var conditions = KeyConditions(plan.Views[i], "e", $"s{i}").Append($"e.{EntityTimeColumn} >= s{i}.__fs_e");
            sql.Append($"\n  ASOF LEFT JOIN __fs_s{i} s{i} ON {string.Join(" AND ", conditions)}");
        }
        sql.Append("\n)");

        // Phase 2: for views with a created timestamp, the winner among the rows at each matched (keys, event time).
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            if (view.CreatedTimestampSql is null)
            {
                continue;
            }
            var features = FeaturesOf(plan, i);
            var keyColumns = view.Keys.Select(KeyColumn).ToArray();
            var rows = KeyProjections(view)
                .Append($"{view.EventTimestampSql} AS __fs_e")
                .Append($"{view.CreatedTimestampSql} AS __fs_c")
                .Concat(features.Select(FeatureProjection));
            var payload = string.Join(", ", features.Select(f => $"{FeatureColumn(f)} := s.{FeatureColumn(f)}"));
            var matchedPairs = view.Keys.Select(k => $"CAST(m.{k.EntityColumnSql} AS {k.SqlType}) AS {KeyColumn(k)}").Append($"m.__fs_e{i} AS __fs_e");
            var pairConditions = keyColumns.Select(k => $"s.{k} = d.{k}").Append("s.__fs_e = d.__fs_e");
            sql.Append($",\n__fs_w{i} AS (\n  SELECT {string.Join(", ", keyColumns.Select(k => $"s.{k}"))}, s.__fs_e,\n");
            sql.Append($"    arg_max(struct_pack({payload}), {LatestValueRule.NaiveVersionKeySql("s.__fs_e", "s.__fs_c")}) AS __fs_best\n");
            sql.Append($"  FROM (SELECT {string.Join(", ", rows)} FROM read_parquet(${FilesParameter(i)})) s\n");
            sql.Append($"  SEMI JOIN (SELECT {string.Join(", ", matchedPairs)} FROM __fs_m m WHERE m.__fs_e{i} IS NOT NULL) d\n");
            sql.Append($"    ON {string.Join(" AND ", pairConditions)}\n");
            sql.Append($"  GROUP BY {string.Join(", ", keyColumns.Select(k => $"s.{k}"))}, s.__fs_e\n)");
        }

        var projections = plan.EntityColumns.Select(c => $"m.{SqlIdentifier.Quote(c)}")
            .Concat(plan.Features.Select(f => plan.Views[f.ViewIndex].CreatedTimestampSql is null
                ? $"m.{FeatureColumn(f)} AS {SqlIdentifier.Quote(f.OutputName)}"
                : $"w{f.ViewIndex}.__fs_best.{FeatureColumn(f)} AS {SqlIdentifier.Quote(f.OutputName)}"));
        sql.Append($"\nSELECT {string.Join(",\n       ", projections)}\nFROM __fs_m m");
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            if (view.CreatedTimestampSql is null)
            {
                continue;
            }
            var conditions = KeyConditions(view, "m", $"w{i}").Append($"m.__fs_e{i} = w{i}.__fs_e");
            sql.Append($"\nLEFT JOIN __fs_w{i} w{i} ON {string.Join(" AND ", conditions)}");
        }
        sql.Append($"\nORDER BY m.{EntityRowColumn}");
        return sql.ToString();
    }

    private static string BuildAsOfCreated(TrainingSetPlan plan)
    {
        var sql = new StringBuilder();
        AppendEntities(sql, plan);
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            var features = FeaturesOf(plan, i);
            var rows = KeyProjections(view).Append($"{view.EventTimestampSql} AS __fs_e").ToList();
            if (view.CreatedTimestampSql is not null)
            {
                rows.Add($"{view.CreatedTimestampSql} AS __fs_c");
            }
            rows.AddRange(features.Select(FeatureProjection));
            var created = view.CreatedTimestampSql is null ? null : "__fs_c";
            var keyNames = view.Keys.Select(KeyColumn).ToArray();
            var carried = new[] { "__fs_e := __fs_e" }.Concat(features.Select(f => $"{FeatureColumn(f)} := {FeatureColumn(f)}"));
            // For each key, the winner among the rows available by each availability time; the ASOF join then picks
            // the last availability time <= T. RANGE makes rows available at the same time count together.
            sql.Append($",\n__fs_v{i} AS (\n  SELECT {string.Join(", ", keyNames)}, __fs_avail,\n");
            sql.Append($"    arg_max(struct_pack({string.Join(", ", carried)}), {LatestValueRule.NaiveVersionKeySql("__fs_e", created)})\n");
            sql.Append($"      OVER (PARTITION BY {string.Join(", ", keyNames)} ORDER BY __fs_avail RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __fs_best\n");
            sql.Append($"  FROM (SELECT *, {LatestValueRule.AvailableAtSql("__fs_e", created)} AS __fs_avail\n");
            sql.Append($"        FROM (SELECT {string.Join(", ", rows)} FROM read_parquet(${FilesParameter(i)})) WHERE __fs_e IS NOT NULL)\n)");
        }

        var projections = plan.EntityColumns.Select(c => $"e.{SqlIdentifier.Quote(c)}")
            .Concat(plan.Features.Select(f =>
            {
                var within = LatestValueRule.WithinTtlSql($"v{f.ViewIndex}.__fs_best.__fs_e", $"e.{EntityTimeColumn}", plan.Views[f.ViewIndex].View.Ttl);
                return $"CASE WHEN {within} THEN v{f.ViewIndex}.__fs_best.{FeatureColumn(f)} END AS {SqlIdentifier.Quote(f.OutputName)}";
            }));
        sql.Append($"\nSELECT {string.Join(",\n       ", projections)}\nFROM __fs_entities e");
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var conditions = KeyConditions(plan.Views[i], "e", $"v{i}").Append($"e.{EntityTimeColumn} >= v{i}.__fs_avail");
            sql.Append($"\nASOF LEFT JOIN __fs_v{i} v{i} ON {string.Join(" AND ", conditions)}");
        }
        sql.Append($"\nORDER BY e.{EntityRowColumn}");
        return sql.ToString();
    }

    private static void AppendEntities(StringBuilder sql, TrainingSetPlan plan)
    {
        sql.Append("WITH __fs_entities AS (\n");
        sql.Append($"  SELECT *, file_row_number AS {EntityRowColumn}, {plan.EntityTimestampSql} AS {EntityTimeColumn}\n");
        sql.Append($"  FROM read_parquet(${EntitiesParameter}, file_row_number = true)\n)");
    }

    private static OutputFeature[] FeaturesOf(TrainingSetPlan plan, int viewIndex) =>
        plan.Features.Where(f => f.ViewIndex == viewIndex).ToArray();

    private static IEnumerable<string> KeyProjections(ViewJoinPlan view) =>
        view.Keys.Select(k => $"CAST({k.SourceColumnSql} AS {k.SqlType}) AS {KeyColumn(k)}");

    /// <summary>The entity side's key columns (cast to the declared type) equal to a relation's key columns.</summary>
    private static IEnumerable<string> KeyConditions(ViewJoinPlan view, string entityAlias, string otherAlias) =>
        view.Keys.Select(k => $"CAST({entityAlias}.{k.EntityColumnSql} AS {k.SqlType}) = {otherAlias}.{KeyColumn(k)}");

    private static string FeatureProjection(OutputFeature feature) =>
        $"CAST({feature.SourceColumnSql} AS {feature.SqlType}) AS {FeatureColumn(feature)}";

    // Join keys are checked plain identifiers and distinct within a view.
    private static string KeyColumn(KeyJoinPlan key) => $"__fs_k_{key.JoinKey}";

    private static string FeatureColumn(OutputFeature feature) => $"__fs_f{feature.Position}";
}
