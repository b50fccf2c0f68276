using System.Globalization;
using FeatureStore.Core.Audit;
using FeatureStore.Core.Logging;

namespace FeatureStore.DuckDb;

/// <summary>
/// The audit's SQL. Every name in it is a checked definition name or one of ours, quoted; times are compared as µs
/// since the epoch (<c>epoch_us</c>), so zoned log timestamps and the naive UTC ones of the join compare exactly.
/// <para>Two steps. <see cref="Summary"/> recomputes every log row of the window and compares each view by
/// fingerprint: a 64-bit hash of the served state of its features (status class and value) against the same hash of
/// the winning source row, computed once per source row (<see cref="SourceFingerprintSql"/>), so the ASOF joins carry
/// one integer per view each way instead of every served and recomputed value. Rows whose
/// fingerprints all agree match on every feature (two different states hash alike with odds of about 2^-64 per row).
/// Only the other rows are classified value by value (<see cref="Unmatched"/>), joined back to their log columns by
/// identity; a fingerprint that differs while the values agree (a NaN of another payload, say) comes out there as a
/// match.</para>
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

    /// <summary>The table of the rows classified value by value, made by <see cref="Unmatched"/>.</summary>
    public const string UnmatchedTable = "__audit_unmatched";

    private const string RequestMicros = "__audit_t";

    /// <summary>2^40: more rows than any log file holds, and 2^23 files fit below 2^63.</summary>
    private const long RowsPerFile = 1L << 40;

    /// <summary>The served state's class per feature, shared by both sides of a fingerprint.</summary>
    private const int Present = 0, NullValue = 1, Absent = 2, NotLogged = 3;

    public static string OfflineValue(int feature) => $"__audit_v{feature}";

    public static string OfflineEvent(int view) => $"__audit_e{view}";

    public static string OfflineCreated(int view) => $"__audit_c{view}";

    public static string OfflineFingerprint(int view) => $"__audit_ofp{view}";

    private static string ServedFingerprint(int view) => $"__audit_fp{view}";

    private static string ServedAge(int view) => $"__audit_age{view}";

    private static string Cause(int feature) => $"__cause_{feature}";

    private static string Lag(int feature) => $"__lag_{feature}";

    private static string Q(string name) => SqlIdentifier.Quote(name);

    /// <summary>
    /// What each log row carries through the recomputation (the plan's entity columns): identity, join keys, request
    /// time (as logged and as µs), registry version, and per view the served fingerprint and age.
    /// </summary>
    public static IReadOnlyList<string> ProbeColumns(IReadOnlyList<string> keys, int views) =>
    [
        RowId, .. keys, LogColumns.RequestTime, RequestMicros, LogColumns.RegistryVersion,
        .. Enumerable.Range(0, views).SelectMany(v => new[] { ServedFingerprint(v), ServedAge(v) }),
    ];

    /// <summary>The log columns of the audited features, in log order.</summary>
    public static IReadOnlyList<string> LogColumnsOf(IReadOnlyList<string> keys, IEnumerable<Core.Definitions.FeatureReference> features) =>
    [
        LogColumns.RequestId, LogColumns.RequestTime, LogColumns.RegistryVersion, .. keys,
        .. features.SelectMany(f => new[] { LogColumns.Value(f), LogColumns.Status(f), LogColumns.EventTimestamp(f) }),
    ];

    /// <summary>
    /// One row over every log row of the window: total rows, first and last request µs, the registry versions
    /// (comma-separated), the rows whose every view's fingerprint agrees, and per view served rows and age p50, p95,
    /// max.
    /// </summary>
    public static string Summary(AuditPlan plan, string windowSql)
    {
        var columns = new List<string>
        {
            "count(*)", $"min({RequestMicros})", $"max({RequestMicros})",
            $"string_agg(DISTINCT CAST({Q(LogColumns.RegistryVersion)} AS VARCHAR), ',')",
            $"count(*) FILTER (WHERE {AllViewsAgreeSql(plan)})",
        };
        foreach (var view in plan.Views)
        {
            columns.Add($"count({ServedAge(view.Index)})");
            columns.AddRange(Quantiles(ServedAge(view.Index), ""));
        }
        return $"SELECT {string.Join(",\n       ", columns)}\nFROM (\n{Recomputed(plan.FingerprintPlan, plan, windowSql)}\n)";
    }

    /// <summary>
    /// Creates <see cref="UnmatchedTable"/>: each log row of the window whose fingerprints do not all agree, with its
    /// audited log columns, its recomputation, its cause per feature, the event-time difference per feature (the lag
    /// where the cause is stale_online) and the request µs. Times become µs once, in an inner projection, so the
    /// comparisons of the causes are integer comparisons.
    /// </summary>
    public static string Unmatched(AuditPlan plan, string windowSql)
    {
        var logRows = $"SELECT {RowIdSql}, {string.Join(", ", plan.LogColumns.Select(Q))} FROM {LogFiles.OrderedRelationSql} WHERE {windowSql}";
        var unmatched = $"SELECT * FROM (\n{Recomputed(plan.Plan, plan, windowSql)}\n) WHERE NOT ({AllViewsAgreeSql(plan)})";
        var outputs = plan.Plan.Features.Select(f => $"r.{Q(f.OutputName)}");
        // The unmatched rows (in a healthy log, few) are the build side; the log streams past them.
        var joined = $"SELECT {string.Join(", ", plan.LogColumns.Select(c => $"l.{Q(c)}").Concat(outputs))}, r.{RequestMicros} AS __t\n" +
                     $"FROM ({logRows}) l\nJOIN (\n{unmatched}\n) r ON l.{RowId} = r.{RowId}";

        var times = new List<string> { "o.*" };
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
        return $"CREATE TEMP TABLE {UnmatchedTable} AS\nSELECT {string.Join(",\n       ", columns)}\nFROM (\n" +
               $"SELECT {string.Join(",\n       ", times)}\nFROM (\n{joined}\n) o\n) b";
    }

    /// <summary>
    /// One row over <see cref="UnmatchedTable"/>: per feature the rows that logged it, the matches, the count of each
    /// cause (in <see cref="AuditNames.Causes"/> order) and the stale lag's p50, p95, max.
    /// </summary>
    public static string UnmatchedSummary(AuditPlan plan)
    {
        var columns = new List<string>();
        foreach (var feature in plan.Features)
        {
            var cause = Cause(feature.Index);
            columns.Add($"count({cause})");
            columns.Add($"count(*) FILTER (WHERE {cause} = 0)");
            columns.AddRange(AuditNames.Causes.Select(c => $"count(*) FILTER (WHERE {cause} = {(int)c})"));
            columns.AddRange(Quantiles(Lag(feature.Index), $" FILTER (WHERE {cause} = {(int)MismatchCause.StaleOnline})"));
        }
        return $"SELECT {string.Join(",\n       ", columns)}\nFROM {UnmatchedTable}";
    }

    private static string RowIdSql => $"CAST(file_index AS BIGINT) * {RowsPerFile} + file_row_number AS {RowId}";

    /// <summary>
    /// Every log row of the window next to its recomputation by the training set's very rule: the log rows are the
    /// join's entity rows (<see cref="TrainingSetSql.BuildOver"/>), carrying only <see cref="ProbeColumns"/>, because
    /// the ASOF joins sort every column they carry.
    /// </summary>
    private static string Recomputed(TrainingSetPlan join, AuditPlan plan, string windowSql)
    {
        var probes = new List<string> { RowIdSql };
        probes.AddRange(plan.Keys.Select(Q));
        probes.Add(Q(LogColumns.RequestTime));
        probes.Add($"epoch_us({Q(LogColumns.RequestTime)}) AS {RequestMicros}");
        probes.Add(Q(LogColumns.RegistryVersion));
        foreach (var view in plan.Views)
        {
            var state = FeaturesOf(plan, view).SelectMany(f => ServedStateSql(plan, f));
            probes.Add($"hash({string.Join(", ", state)}) AS {ServedFingerprint(view.Index)}");
            var first = plan.Features[view.FirstFeature].Reference;
            probes.Add($"CASE WHEN {Q(LogColumns.Status(first))} IN ('PRESENT', 'NULL_VALUE') " +
                       $"THEN epoch_us({Q(LogColumns.RequestTime)}) - epoch_us({Q(LogColumns.EventTimestamp(first))}) END AS {ServedAge(view.Index)}");
        }
        var probeSql = $"SELECT {string.Join(", ", probes)} FROM {LogFiles.OrderedRelationSql} WHERE {windowSql}";
        return TrainingSetSql.BuildOver(join, probeSql);
    }

    private static IEnumerable<AuditFeature> FeaturesOf(AuditPlan plan, AuditView view) => plan.Features.Where(f => f.ViewIndex == view.Index);

    /// <summary>
    /// Whether every view's served fingerprint equals that of its recomputation: the winning source row's
    /// (<see cref="SourceFingerprintSql"/>), or, with no row within the TTL, that of every feature absent.
    /// </summary>
    private static string AllViewsAgreeSql(AuditPlan plan) =>
        string.Join(" AND ", plan.Views.Select(view =>
            $"{ServedFingerprint(view.Index)} = coalesce({OfflineFingerprint(view.Index)}, " +
            $"hash({string.Join(", ", FeaturesOf(plan, view).SelectMany(f => new[] { $"{Absent}", $"CAST(NULL AS {plan.Plan.Features[f.Index].SqlType})" }))}))"));

    /// <summary>
    /// A source row's fingerprint for the features of one view, computed once per source row: per feature the class
    /// (PRESENT, or NULL_VALUE for a null) and the value in the type the training set gives it, as
    /// <see cref="ServedStateSql"/> gives the served ones.
    /// </summary>
    public static string SourceFingerprintSql(IEnumerable<OutputFeature> features) =>
        "hash(" + string.Join(", ", features.SelectMany(f =>
        {
            var value = $"CAST({f.SourceColumnSql} AS {f.SqlType})";
            return new[] { $"CASE WHEN {value} IS NULL THEN {NullValue} ELSE {Present} END", value };
        })) + ")";

    /// <summary>
    /// A served feature's state for the fingerprint: its class, and its value (as the recomputation's type) when
    /// PRESENT. A status the audit does not know, or none (the row did not log the feature), never agrees.
    /// </summary>
    private static string[] ServedStateSql(AuditPlan plan, AuditFeature feature)
    {
        var status = Q(LogColumns.Status(feature.Reference));
        var type = plan.Plan.Features[feature.Index].SqlType;
        return
        [
            $"CASE {status} WHEN 'PRESENT' THEN {Present} WHEN 'NULL_VALUE' THEN {NullValue} WHEN 'NOT_FOUND' THEN {Absent} " +
            $"WHEN 'OUTSIDE_MAX_AGE' THEN {Absent} ELSE {NotLogged} END",
            $"CASE WHEN {status} = 'PRESENT' THEN TRY_CAST({Q(LogColumns.Value(feature.Reference))} AS {type}) END",
        ];
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

    /// <summary>p50 and p95 (one aggregate, written twice: DuckDB computes identical aggregates once) and max.</summary>
    private static IEnumerable<string> Quantiles(string column, string filter) =>
    [
        $"CAST(quantile_disc({column}, [0.5, 0.95]){filter} AS BIGINT[])[1]",
        $"CAST(quantile_disc({column}, [0.5, 0.95]){filter} AS BIGINT[])[2]",
        $"max({column}){filter}",
    ];

    /// <summary>Every (row, feature) that did not match, long format, both values as text, in request order.</summary>
    public static string MismatchCopy(AuditPlan plan)
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
        return $"COPY (\nWITH m AS (\nSELECT * FROM {UnmatchedTable} WHERE {anyMismatch}\n)\n{string.Join("\nUNION ALL\n", branches)}\nORDER BY {Q(LogColumns.RequestTime)}, {Q(LogColumns.RequestId)}, feature\n) TO $out (FORMAT PARQUET)";
    }
}
