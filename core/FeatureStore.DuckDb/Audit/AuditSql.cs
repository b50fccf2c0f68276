using System.Globalization;
using System.Text;
using FeatureStore.Core.Audit;
using FeatureStore.Core.Logging;

namespace FeatureStore.DuckDb;

/// <summary>
/// The audit's SQL. Every name in it is a checked definition name or one of ours, quoted; times are compared as µs
/// since the epoch (<c>epoch_us</c>), so zoned log timestamps and the naive UTC ones of the join compare exactly.
/// Per feature <c>j</c> the comparison gives a cause code (<c>__cause_j</c>: 0 match, else a
/// <see cref="MismatchCause"/>, NULL where the row did not log the feature), first match wins:
/// <code>
/// match          served PRESENT and offline has that value, or served NULL_VALUE and offline has a null,
///                or served NOT_FOUND / OUTSIDE_MAX_AGE and offline has no row within the TTL
/// late_offline   the offline winner was created after the request time (--as-of-created would not see it)
/// missing_online served NOT_FOUND, offline has a row
/// online_only    offline has no row, or the served event time is newer than the offline one
/// stale_online   the served event time is older than the offline one
/// value_differs  same event time, different value
/// </code>
/// </summary>
internal static class AuditSql
{
    public const string OfflineTable = "__audit_offline";
    public const string CompareTable = "__audit_cmp";
    public const string FileColumn = "__audit_file";
    public const string RowColumn = "__audit_row";

    public static string OfflineValue(int feature) => $"__audit_v{feature}";

    public static string OfflineEvent(int view) => $"__audit_e{view}";

    public static string OfflineCreated(int view) => $"__audit_c{view}";

    private static string Cause(int feature) => $"__cause_{feature}";

    private static string Lag(int feature) => $"__lag_{feature}";

    private static string Age(int view) => $"__age_{view}";

    private static string Q(string name) => SqlIdentifier.Quote(name);

    /// <summary>The logged entities in the window, with the identity of their log row, as the training set's entity file.</summary>
    public static string EntitiesCopy(IReadOnlyList<string> keys, string windowSql) =>
        $"COPY (SELECT filename AS {FileColumn}, file_row_number AS {RowColumn}, {string.Join(", ", keys.Select(Q))}, {Q(LogColumns.RequestTime)}\n" +
        $"  FROM {LogFiles.RelationSql} WHERE {windowSql}) TO $out (FORMAT PARQUET)";

    /// <summary>Each log row joined with its recomputation and classified per feature.</summary>
    public static string Compare(AuditPlan plan)
    {
        var t = $"epoch_us(l.{Q(LogColumns.RequestTime)})";
        var columns = new List<string>
        {
            $"l.filename AS {FileColumn}",
            $"l.file_row_number AS {RowColumn}",
            $"{t} AS __t",
            $"l.{Q(LogColumns.RegistryVersion)} AS __version",
        };
        foreach (var feature in plan.Features)
        {
            var cause = CauseSql(plan, feature, t);
            columns.Add($"{cause} AS {Cause(feature.Index)}");
            var reference = feature.Reference;
            columns.Add($"CASE WHEN ({cause}) = {(int)MismatchCause.StaleOnline} " +
                        $"THEN epoch_us(o.{OfflineEvent(feature.ViewIndex)}) - epoch_us(l.{Q(LogColumns.EventTimestamp(reference))}) END AS {Lag(feature.Index)}");
        }
        foreach (var view in plan.Views)
        {
            var first = plan.Features[view.FirstFeature].Reference;
            columns.Add($"CASE WHEN l.{Q(LogColumns.Status(first))} IN ('PRESENT', 'NULL_VALUE') " +
                        $"THEN {t} - epoch_us(l.{Q(LogColumns.EventTimestamp(first))}) END AS {Age(view.Index)}");
        }
        return $"CREATE TEMP TABLE {CompareTable} AS\nSELECT {string.Join(",\n       ", columns)}\n" +
               $"FROM {LogFiles.RelationSql} l\nJOIN {OfflineTable} o ON o.{FileColumn} = l.filename AND o.{RowColumn} = l.file_row_number";
    }

    private static string CauseSql(AuditPlan plan, AuditFeature feature, string t)
    {
        var reference = feature.Reference;
        var status = $"l.{Q(LogColumns.Status(reference))}";
        var served = $"l.{Q(LogColumns.Value(reference))}";
        var servedEvent = $"epoch_us(l.{Q(LogColumns.EventTimestamp(reference))})";
        var offline = $"o.{OfflineValue(feature.Index)}";
        var offlineEvent = $"epoch_us(o.{OfflineEvent(feature.ViewIndex)})";
        var lateOffline = plan.Views[feature.ViewIndex].HasCreated
            ? $"WHEN epoch_us(o.{OfflineCreated(feature.ViewIndex)}) > {t} THEN {(int)MismatchCause.LateOffline}\n"
            : "";
        return "CASE\n" +
               $"  WHEN {status} IS NULL THEN NULL\n" +
               $"  WHEN ({status} = 'PRESENT' AND {offlineEvent} IS NOT NULL AND {offline} IS NOT NULL AND {served} IS NOT DISTINCT FROM {offline})\n" +
               $"    OR ({status} = 'NULL_VALUE' AND {offlineEvent} IS NOT NULL AND {offline} IS NULL)\n" +
               $"    OR ({status} IN ('NOT_FOUND', 'OUTSIDE_MAX_AGE') AND {offlineEvent} IS NULL) THEN 0\n" +
               (lateOffline.Length > 0 ? "  " + lateOffline : "") +
               $"  WHEN {status} = 'NOT_FOUND' THEN {(int)MismatchCause.MissingOnline}\n" +
               $"  WHEN {offlineEvent} IS NULL OR {servedEvent} > {offlineEvent} THEN {(int)MismatchCause.OnlineOnly}\n" +
               $"  WHEN {servedEvent} < {offlineEvent} THEN {(int)MismatchCause.StaleOnline}\n" +
               $"  ELSE {(int)MismatchCause.ValueDiffers}\n" +
               "END";
    }

    /// <summary>
    /// One row: total rows, first and last request µs; per feature rows, matches, the count of each cause (in
    /// <see cref="AuditNames.Causes"/> order) and the stale lag's p50, p95, max; per view served rows and age p50, p95, max.
    /// </summary>
    public static string Summary(AuditPlan plan)
    {
        var columns = new List<string> { "count(*)", "min(__t)", "max(__t)" };
        foreach (var feature in plan.Features)
        {
            var cause = Cause(feature.Index);
            columns.Add($"count({cause})");
            columns.Add($"count(*) FILTER (WHERE {cause} = 0)");
            columns.AddRange(AuditNames.Causes.Select(c => $"count(*) FILTER (WHERE {cause} = {(int)c})"));
            columns.AddRange(Quantiles(Lag(feature.Index)));
        }
        foreach (var view in plan.Views)
        {
            columns.Add($"count({Age(view.Index)})");
            columns.AddRange(Quantiles(Age(view.Index)));
        }
        return $"SELECT {string.Join(",\n       ", columns)}\nFROM {CompareTable}";
    }

    private static IEnumerable<string> Quantiles(string column) =>
    [
        $"CAST(quantile_disc({column}, 0.5) AS BIGINT)",
        $"CAST(quantile_disc({column}, 0.95) AS BIGINT)",
        $"max({column})",
    ];

    public static string RegistryVersions => $"SELECT DISTINCT __version FROM {CompareTable} WHERE __version IS NOT NULL ORDER BY 1";

    /// <summary>Every (row, feature) that did not match, long format, both values as text, in request order.</summary>
    public static string MismatchCopy(AuditPlan plan)
    {
        var anyMismatch = string.Join(" OR ", plan.Features.Select(f => $"c.{Cause(f.Index)} > 0"));
        var sql = new StringBuilder();
        sql.Append("COPY (\nWITH m AS MATERIALIZED (\n");
        sql.Append($"  SELECT l.*, o.*, c.* EXCLUDE ({FileColumn}, {RowColumn})\n");
        sql.Append($"  FROM {CompareTable} c\n");
        sql.Append($"  JOIN {LogFiles.RelationSql} l ON l.filename = c.{FileColumn} AND l.file_row_number = c.{RowColumn}\n");
        sql.Append($"  JOIN {OfflineTable} o ON o.{FileColumn} = c.{FileColumn} AND o.{RowColumn} = c.{RowColumn}\n");
        sql.Append($"  WHERE {anyMismatch}\n)\n");
        var causeName = "CASE {0} " + string.Join(" ", AuditNames.Causes.Select(c => $"WHEN {(int)c} THEN '{AuditNames.Of(c)}'")) + " END";
        var branches = plan.Features.Select(f =>
        {
            var reference = f.Reference;
            var keys = plan.Keys.Select(k => $"{Q(k)}");
            var view = plan.Views[f.ViewIndex];
            return "SELECT " + string.Join(", ",
                new[] { Q(LogColumns.RequestId), Q(LogColumns.RequestTime), Q(LogColumns.RegistryVersion) }
                    .Concat(keys)
                    .Concat(
                    [
                        $"{Literal(reference.ToString())} AS feature",
                        $"{string.Format(CultureInfo.InvariantCulture, causeName, Cause(f.Index))} AS cause",
                        $"{Q(LogColumns.Status(reference))} AS served_status",
                        $"CAST({Q(LogColumns.Value(reference))} AS VARCHAR) AS served_value",
                        $"{Q(LogColumns.EventTimestamp(reference))} AS served_event_timestamp",
                        $"CAST({OfflineValue(f.Index)} AS VARCHAR) AS offline_value",
                        $"CAST({OfflineEvent(f.ViewIndex)} AS TIMESTAMPTZ) AS offline_event_timestamp",
                        view.HasCreated ? $"CAST({OfflineCreated(f.ViewIndex)} AS TIMESTAMPTZ) AS offline_created_timestamp" : "CAST(NULL AS TIMESTAMPTZ) AS offline_created_timestamp",
                    ])) +
                $" FROM m WHERE {Cause(f.Index)} > 0";
        });
        sql.Append(string.Join("\nUNION ALL\n", branches));
        sql.Append($"\nORDER BY {Q(LogColumns.RequestTime)}, {Q(LogColumns.RequestId)}, feature\n) TO $out (FORMAT PARQUET)");
        return sql.ToString();
    }

    private static string Literal(string text) => SqlIdentifier.Literal(text);
}
