using System.Globalization;
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
    /// <summary>
    /// A log row's identity, by which its recomputation joins back to it: the file's index in <c>$logs</c> times
    /// <see cref="RowsPerFile"/> plus the row's number in the file, one BIGINT, which DuckDB hashes far faster than a
    /// file name.
    /// </summary>
    public const string RowId = "__audit_row";

    /// <summary>2^40: more rows than any log file holds, and 2^23 files fit below 2^63.</summary>
    private const long RowsPerFile = 1L << 40;

    public static string OfflineValue(int feature) => $"__audit_v{feature}";

    public static string OfflineEvent(int view) => $"__audit_e{view}";

    public static string OfflineCreated(int view) => $"__audit_c{view}";

    private static string Cause(int feature) => $"__cause_{feature}";

    private static string Lag(int feature) => $"__lag_{feature}";

    private static string Age(int view) => $"__age_{view}";

    private static string Q(string name) => SqlIdentifier.Quote(name);

    /// <summary>The log columns of the audited features, in log order.</summary>
    public static IReadOnlyList<string> LogColumnsOf(IReadOnlyList<string> keys, IEnumerable<Core.Definitions.FeatureReference> features) =>
    [
        LogColumns.RequestId, LogColumns.RequestTime, LogColumns.RegistryVersion, .. keys,
        .. features.SelectMany(f => new[] { LogColumns.Value(f), LogColumns.Status(f), LogColumns.EventTimestamp(f) }),
    ];

    /// <summary>
    /// Every log row in the window next to its recomputation, with its cause per feature, the event-time difference
    /// per feature (the lag where the cause is stale_online) and the served age per view: a relation for
    /// <see cref="Summary"/> and <see cref="MismatchCopy"/>. The log rows are the training-set join's entity rows
    /// (<see cref="TrainingSetSql.BuildOver"/>), so each row is recomputed by the training set's very rule; only their
    /// identity (<see cref="RowId"/>), keys and request time go through it, because the ASOF joins sort every column
    /// they carry, and the served columns join back by that identity (one integer hash join). Times become µs
    /// once, in an inner projection, so the comparisons of the causes are integer comparisons.
    /// </summary>
    public static string Classified(AuditPlan plan, string windowSql)
    {
        var rowId = $"CAST(file_index AS BIGINT) * {RowsPerFile} + file_row_number AS {RowId}";
        var probes = $"SELECT {rowId}, {string.Join(", ", plan.Keys.Append(LogColumns.RequestTime).Select(Q))} FROM {LogFiles.OrderedRelationSql} WHERE {windowSql}";
        var offline = TrainingSetSql.BuildOver(plan.Plan, probes);
        var logRows = $"SELECT {rowId}, {string.Join(", ", plan.LogColumns.Select(Q))} FROM {LogFiles.OrderedRelationSql} WHERE {windowSql}";
        var outputs = plan.Plan.Features.Select(f => $"r.{Q(f.OutputName)}");
        var joined = $"SELECT {string.Join(", ", plan.LogColumns.Select(c => $"l.{Q(c)}").Concat(outputs))}\n" +
                     $"FROM ({logRows}) l\nJOIN (\n{offline}\n) r ON l.{RowId} = r.{RowId}";

        var times = new List<string> { "o.*", $"epoch_us(o.{Q(LogColumns.RequestTime)}) AS __t" };
        foreach (var view in plan.Views)
        {
            times.Add($"epoch_us(o.{OfflineEvent(view.Index)}) AS {OfflineEventMicros(view.Index)}");
            if (view.HasCreated)
            {
                times.Add($"epoch_us(o.{OfflineCreated(view.Index)}) AS {OfflineCreatedMicros(view.Index)}");
            }
        }
        times.AddRange(plan.Features.Select(f => $"epoch_us(o.{Q(LogColumns.EventTimestamp(f.Reference))}) AS {ServedEventMicros(f.Index)}"));

        var columns = new List<string> { "b.*" };
        foreach (var feature in plan.Features)
        {
            columns.Add($"{CauseSql(plan, feature)} AS {Cause(feature.Index)}");
            columns.Add($"b.{OfflineEventMicros(feature.ViewIndex)} - b.{ServedEventMicros(feature.Index)} AS {Lag(feature.Index)}");
        }
        foreach (var view in plan.Views)
        {
            var first = plan.Features[view.FirstFeature];
            columns.Add($"CASE WHEN b.{Q(LogColumns.Status(first.Reference))} IN ('PRESENT', 'NULL_VALUE') " +
                        $"THEN b.__t - b.{ServedEventMicros(first.Index)} END AS {Age(view.Index)}");
        }
        return $"SELECT {string.Join(",\n       ", columns)}\nFROM (\n" +
               $"SELECT {string.Join(",\n       ", times)}\nFROM (\n{joined}\n) o\n) b";
    }

    private static string OfflineEventMicros(int view) => $"__oe_{view}";

    private static string OfflineCreatedMicros(int view) => $"__oc_{view}";

    private static string ServedEventMicros(int feature) => $"__se_{feature}";

    private static string CauseSql(AuditPlan plan, AuditFeature feature)
    {
        var reference = feature.Reference;
        var status = $"b.{Q(LogColumns.Status(reference))}";
        var served = $"b.{Q(LogColumns.Value(reference))}";
        var servedEvent = $"b.{ServedEventMicros(feature.Index)}";
        var offline = $"b.{OfflineValue(feature.Index)}";
        var offlineEvent = $"b.{OfflineEventMicros(feature.ViewIndex)}";
        var lateOffline = plan.Views[feature.ViewIndex].HasCreated
            ? $"  WHEN b.{OfflineCreatedMicros(feature.ViewIndex)} > b.__t THEN {(int)MismatchCause.LateOffline}\n"
            : "";
        return "CASE\n" +
               $"  WHEN {status} IS NULL THEN NULL\n" +
               $"  WHEN ({status} = 'PRESENT' AND {offlineEvent} IS NOT NULL AND {offline} IS NOT NULL AND {served} IS NOT DISTINCT FROM {offline})\n" +
               $"    OR ({status} = 'NULL_VALUE' AND {offlineEvent} IS NOT NULL AND {offline} IS NULL)\n" +
               $"    OR ({status} IN ('NOT_FOUND', 'OUTSIDE_MAX_AGE') AND {offlineEvent} IS NULL) THEN 0\n" +
               lateOffline +
               $"  WHEN {status} = 'NOT_FOUND' THEN {(int)MismatchCause.MissingOnline}\n" +
               $"  WHEN {offlineEvent} IS NULL OR {servedEvent} > {offlineEvent} THEN {(int)MismatchCause.OnlineOnly}\n" +
               $"  WHEN {servedEvent} < {offlineEvent} THEN {(int)MismatchCause.StaleOnline}\n" +
               $"  ELSE {(int)MismatchCause.ValueDiffers}\n" +
               "END";
    }

    /// <summary>
    /// One row over <paramref name="classifiedSql"/>: total rows, first and last request µs, the registry versions
    /// (comma-separated); per feature rows, matches, the count of each cause (in <see cref="AuditNames.Causes"/>
    /// order) and the stale lag's p50, p95, max; per view served rows and age p50, p95, max.
    /// </summary>
    public static string Summary(AuditPlan plan, string classifiedSql)
    {
        var columns = new List<string> { "count(*)", "min(__t)", "max(__t)", $"string_agg(DISTINCT CAST({Q(LogColumns.RegistryVersion)} AS VARCHAR), ',')" };
        foreach (var feature in plan.Features)
        {
            var cause = Cause(feature.Index);
            columns.Add($"count({cause})");
            columns.Add($"count(*) FILTER (WHERE {cause} = 0)");
            columns.AddRange(AuditNames.Causes.Select(c => $"count(*) FILTER (WHERE {cause} = {(int)c})"));
            columns.AddRange(Quantiles(Lag(feature.Index), $" FILTER (WHERE {cause} = {(int)MismatchCause.StaleOnline})"));
        }
        foreach (var view in plan.Views)
        {
            columns.Add($"count({Age(view.Index)})");
            columns.AddRange(Quantiles(Age(view.Index), ""));
        }
        return $"SELECT {string.Join(",\n       ", columns)}\nFROM (\n{classifiedSql}\n)";
    }

    /// <summary>p50 and p95 (one aggregate, written twice: DuckDB computes identical aggregates once) and max.</summary>
    private static IEnumerable<string> Quantiles(string column, string filter) =>
    [
        $"CAST(quantile_disc({column}, [0.5, 0.95]){filter} AS BIGINT[])[1]",
        $"CAST(quantile_disc({column}, [0.5, 0.95]){filter} AS BIGINT[])[2]",
        $"max({column}){filter}",
    ];

    /// <summary>Every (row, feature) that did not match, long format, both values as text, in request order.</summary>
    public static string MismatchCopy(AuditPlan plan, string classifiedSql)
    {
        var anyMismatch = string.Join(" OR ", plan.Features.Select(f => $"{Cause(f.Index)} > 0"));
        var causeName = "CASE {0} " + string.Join(" ", AuditNames.Causes.Select(c => $"WHEN {(int)c} THEN '{AuditNames.Of(c)}'")) + " END";
        var branches = plan.Features.Select(f =>
        {
            var reference = f.Reference;
            var view = plan.Views[f.ViewIndex];
            return "SELECT " + string.Join(", ",
                new[] { Q(LogColumns.RequestId), Q(LogColumns.RequestTime), Q(LogColumns.RegistryVersion) }
                    .Concat(plan.Keys.Select(Q))
                    .Concat(
                    [
                        $"{SqlIdentifier.Literal(reference.ToString())} AS feature",
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
        return $"COPY (\nWITH m AS MATERIALIZED (\nSELECT * FROM (\n{classifiedSql}\n) WHERE {anyMismatch}\n)\n{string.Join("\nUNION ALL\n", branches)}\nORDER BY {Q(LogColumns.RequestTime)}, {Q(LogColumns.RequestId)}, feature\n) TO $out (FORMAT PARQUET)";
    }
}
