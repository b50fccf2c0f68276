using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.DuckDb;

/// <summary>
/// <see cref="LatestValueRule"/> in DuckDB SQL: the one place that turns the rule's ordering
/// (<see cref="RowVersion"/>) and TTL bound into SQL, for both the training-set join and the materializer's
/// latest-row selection. Arguments are already-quoted SQL expressions; nothing here is user text.
/// </summary>
internal static class LatestRowSql
{
    /// <summary>
    /// The DuckDB predicate "the feature row may be the value as of <paramref name="asOfSql"/>" for a view's TTL:
    /// <c>feature_ts &lt;= as_of</c> and, when TTL &gt; 0, <c>feature_ts &gt;= as_of - ttl</c>.
    /// The TTL is a number we format ourselves (microseconds), never user text.
    /// </summary>
    public static string WithinTtlSql(string featureTimestampSql, string asOfSql, TimeSpan ttl)
    {
        var upper = $"{featureTimestampSql} <= {asOfSql}";
        if (ttl <= TimeSpan.Zero)
        {
            return upper;
        }
        var micros = (ttl.Ticks / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture);
        return $"({upper} AND {featureTimestampSql} >= {asOfSql} - to_microseconds({micros}))";
    }

    /// <summary>
    /// The DuckDB predicate of a materialization window: <c>start &lt;= event_ts &lt;= end</c>, both inclusive, no lower
    /// bound when <paramref name="startSql"/> is null. The winner per key among these rows (greatest
    /// <see cref="PackedVersionKeySql"/>) is the value as of <c>end</c>, which online reads then re-check with
    /// <see cref="LatestValueRule.IsWithinTtl"/>. Arguments are already-quoted SQL expressions of naive TIMESTAMP holding UTC.
    /// </summary>
    public static string InWindowSql(string eventTimestampSql, string? startSql, string endSql) =>
        startSql is null
            ? $"{eventTimestampSql} <= {endSql}"
            : $"({eventTimestampSql} >= {startSql} AND {eventTimestampSql} <= {endSql})";

    // ---- SQL over naive-UTC timestamps. ---------------------------------------------------------------------
    // Casting TIMESTAMP to TIMESTAMPTZ goes through ICU for every row (about 1.5 s per 10M values on our machines);
    // a naive TIMESTAMP holding UTC compares the same instants with no per-row conversion, so both the training
    // set and the materializer normalize every timestamp column with AsUtcNaiveTimestampSql first.

    /// <summary>
    /// A DuckDB expression giving <paramref name="columnSql"/> as a naive <c>TIMESTAMP</c> holding UTC, chosen by the
    /// column's DuckDB type name (as <c>DESCRIBE</c> reports it): naive timestamps are taken as UTC and left alone,
    /// zoned ones keep their instant, dates become midnight UTC, text is parsed (an offset in it is honoured).
    /// Null when the type cannot hold a timestamp.
    /// </summary>
    public static string? AsUtcNaiveTimestampSql(string columnSql, string duckDbType)
    {
        var type = duckDbType.Trim().ToUpperInvariant();
        return type switch
        {
            "TIMESTAMP" => columnSql,
            "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" or "DATE" => $"CAST({columnSql} AS TIMESTAMP)",
            // epoch_us is plain arithmetic on the stored instant; no time-zone lookup per row.
            "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" => $"make_timestamp(epoch_us({columnSql}))",
            "VARCHAR" => $"make_timestamp(epoch_us(CAST({columnSql} AS TIMESTAMPTZ)))",
            _ => null,
        };
    }

    /// <summary>
    /// The expression whose maximum is the winning row, over naive-UTC timestamps (see <see cref="AsUtcNaiveTimestampSql"/>).
    /// Without a created timestamp it is the event timestamp itself; with one, a struct (event, created) in which a
    /// missing created timestamp sorts first. Rows whose event timestamp is null are never candidates
    /// (filter them with <c>event IS NOT NULL</c>).
    /// </summary>
    public static string NaiveVersionKeySql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? eventTimestampSql
            : $"struct_pack(e := {eventTimestampSql}, c := coalesce({createdTimestampSql}, '-infinity'::TIMESTAMP))";

    /// <summary>
    /// The probe side of an <c>ASOF JOIN ... ON probe &gt;= version_key</c> against <see cref="NaiveVersionKeySql"/>:
    /// it admits every version with event timestamp &lt;= <paramref name="asOfSql"/> whatever its created
    /// timestamp, so the ASOF match is the greatest (event, created) pair, i.e. the winning row, with no separate
    /// tie-reduction pass. A null as-of time matches nothing.
    /// </summary>
    public static string AsOfProbeKeySql(string asOfSql, bool withCreatedTimestamp) =>
        withCreatedTimestamp
            ? $"CASE WHEN {asOfSql} IS NOT NULL THEN struct_pack(e := {asOfSql}, c := 'infinity'::TIMESTAMP) END"
            : asOfSql;

    /// <summary>
    /// The event timestamp inside a key built by <see cref="NaiveVersionKeySql"/>, so a joined row's TTL can be checked
    /// without carrying the event timestamp twice.
    /// </summary>
    public static string NaiveVersionEventSql(string versionKeySql, bool withCreatedTimestamp) =>
        withCreatedTimestamp ? $"struct_extract({versionKeySql}, 'e')" : versionKeySql;

    /// <summary>
    /// When a row became visible for <c>--as-of-created</c>: a row is a candidate at T only if both its event and its
    /// created timestamp are &lt;= T, i.e. if <c>greatest(event, created)</c> &lt;= T (a missing created timestamp
    /// means the event timestamp alone).
    /// </summary>
    public static string AvailableAtSql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? eventTimestampSql
            : $"greatest({eventTimestampSql}, coalesce({createdTimestampSql}, {eventTimestampSql}))";

    /// <summary>
    /// Integer counterpart of <see cref="NaiveVersionKeySql"/> with the same order: without a created timestamp the event
    /// time in µs (BIGINT); with one, <c>event_µs * 2^64 + created_µs</c> (HUGEINT), a missing created timestamp
    /// counting as -2^63, below any real one. DuckDB aggregates integers (<c>arg_max(x, key)</c>, <c>max</c>) far
    /// faster than structs. Works on either timestamp flavour (epoch_us gives the instant).
    /// </summary>
    public static string PackedVersionKeySql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? $"epoch_us({eventTimestampSql})"
            : $"(CAST(epoch_us({eventTimestampSql}) AS HUGEINT) * 18446744073709551616 + coalesce(epoch_us({createdTimestampSql}), -9223372036854775808))";
}
