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
/// <c>probe(T) &gt;= version_key(event, created)</c>, which picks the greatest (event, created) with event &lt;= T,
/// then the TTL bound nulls out matches older than T - TTL;</item>
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

    public static string Build(TrainingSetPlan plan)
    {
        var sql = new StringBuilder();
        sql.Append("WITH __fs_entities AS (\n");
        sql.Append($"  SELECT *, file_row_number AS {EntityRowColumn}, {plan.EntityTimestampSql} AS {EntityTimeColumn}\n");
        sql.Append($"  FROM read_parquet(${EntitiesParameter}, file_row_number = true)\n)");
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
                : $"{LatestRowSql.AsOfProbeKeySql($"e.{EntityTimeColumn}", view.CreatedTimestampSql is not null)} >= {alias}.__fs_ver");
            sql.Append($"\nASOF LEFT JOIN __fs_v{i} {alias} ON {string.Join(" AND ", conditions)}");
        }
        sql.Append($"\nORDER BY e.{EntityRowColumn}");
        return sql.ToString();
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

        if (!plan.AsOfCreated)
        {
            // Rows without an event timestamp are never the value as of any time.
            // The version key carries the event timestamp, so it is not projected separately (less to sort).
            var kept = view.Keys.Select(k => KeyColumn(k, index))
                .Concat(features.Select(f => FeatureColumn(f, plan)));
            sql.Append($"__fs_v{index} AS (\n  SELECT {string.Join(", ", kept)}, {LatestRowSql.NaiveVersionKeySql("__fs_e", created)} AS __fs_ver\n");
            sql.Append($"  FROM ({source}) WHERE __fs_e IS NOT NULL\n)");
            return;
        }

        // As of created: for each key, the winner among rows available by each availability time, then ASOF on it.
        var keyNames = view.Keys.Select(k => KeyColumn(k, index)).ToArray();
        var carried = new[] { "__fs_e := __fs_e" }.Concat(features.Select(f => $"{FeatureColumn(f, plan)} := {FeatureColumn(f, plan)}"));
        sql.Append($"__fs_v{index} AS (\n  SELECT {string.Join(", ", keyNames)}, __fs_avail,\n");
        sql.Append($"    arg_max(struct_pack({string.Join(", ", carried)}), {LatestRowSql.NaiveVersionKeySql("__fs_e", created)})\n");
        sql.Append($"      OVER (PARTITION BY {string.Join(", ", keyNames)} ORDER BY __fs_avail RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS __fs_best\n");
        sql.Append($"  FROM (SELECT *, {LatestRowSql.AvailableAtSql("__fs_e", created)} AS __fs_avail FROM ({source}) WHERE __fs_e IS NOT NULL)\n)");
    }

    private static string FeatureValueSql(TrainingSetPlan plan, OutputFeature feature)
    {
        var view = plan.Views[feature.ViewIndex];
        var alias = ViewAlias(feature.ViewIndex);
        var (eventSql, valueSql) = plan.AsOfCreated
            ? ($"{alias}.__fs_best.__fs_e", $"{alias}.__fs_best.{FeatureColumn(feature, plan)}")
            : (LatestRowSql.NaiveVersionEventSql($"{alias}.__fs_ver", view.CreatedTimestampSql is not null), $"{alias}.{FeatureColumn(feature, plan)}");
        var within = LatestRowSql.WithinTtlSql(eventSql, $"e.{EntityTimeColumn}", view.View.Ttl);
        return $"CASE WHEN {within} THEN {valueSql} END";
    }

    private static string ViewAlias(int index) => $"v{index}";

    // Join keys are checked plain identifiers and distinct within a view.
    private static string KeyColumn(KeyJoinPlan key, int viewIndex) => $"__fs_k_{key.JoinKey}";

    private static string FeatureColumn(OutputFeature feature, TrainingSetPlan plan) => $"__fs_f{feature.Position}";
}
