using System.Globalization;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.DuckDb;

/// <summary>
/// <see cref="LatestValueRule"/> in DuckDB SQL: the one place that turns the rule's ordering and its bounds into SQL,
/// for the training-set join (default and <c>--as-of-created</c>) and the materializer's latest-row selection alike.
/// Arguments are already-quoted SQL expressions; nothing here is user text.
/// <para><b>The version key</b> (<see cref="VersionKeySql"/>) is <see cref="RowVersion"/> itself, written as SQL:
/// <c>{e: event µs, c: created µs}</c>, two BIGINTs since the Unix epoch, a missing created timestamp being
/// <see cref="RowVersion.MissingCreated"/> (-2^63). DuckDB orders structs field by field with signed integer
/// comparison, which is exactly <see cref="RowVersion.CompareTo"/>, so an ASOF join's inequality on it (training
/// sets) and an aggregate's maximum of it (the materializer, <c>--as-of-created</c>; through
/// <see cref="AggregateVersionKeySql"/>, the same order as one integer) pick the rule's winner. When the source has
/// no created timestamp every row's created part would be the sentinel, so the key is just the event µs (a BIGINT)
/// in the same order. The event µs stays readable from the key (<see cref="VersionEventMicrosSql"/>) for the TTL
/// check, so nothing else is carried.
/// A row whose event timestamp is NULL or infinite is never a candidate: it has no event µs. The ASOF join filters
/// such rows out with <see cref="IsCandidateSql"/>; in <see cref="AggregateVersionKeySql"/> their key is NULL, which
/// aggregates skip, so an aggregate needs no filter.</para>
/// <para><b>The bounds</b> are inclusive at both ends (<see cref="InclusiveRangeSql"/>): a training-set row's TTL
/// window <c>[T - ttl, T]</c> (<see cref="WithinTtlSql"/>, no lower bound for a zero TTL, as
/// <see cref="LatestValueRule.OldestWithinTtl"/>) and a materialization window <c>[start, end]</c>
/// (<see cref="InWindowSql"/>, whose default start is that same lower bound at <c>end</c>).</para>
/// </summary>
internal static class LatestRowSql
{
    /// <summary>The created µs of a row without one, as a SQL literal: <see cref="RowVersion.MissingCreated"/>.</summary>
    private static readonly string MissingCreatedSql = RowVersion.MissingCreated.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The created µs that sorts after every real one, for a probe that admits every version of an event time.
    /// </summary>
    private static readonly string LatestCreatedSql = long.MaxValue.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The version key of a source row (see the class summary): its maximum per entity key is the winning row.
    /// Takes timestamp expressions of either flavour (<c>epoch_us</c> gives the instant).
    /// </summary>
    public static string VersionKeySql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? $"epoch_us({eventTimestampSql})"
            : $"struct_pack(e := epoch_us({eventTimestampSql}), c := coalesce(epoch_us({createdTimestampSql}), {MissingCreatedSql}))";

    /// <summary>
    /// Whether a source row can be the value as of any time: its event timestamp is a real instant (not NULL, not
    /// ±infinity). Filter with it before comparing <see cref="VersionKeySql"/> keys: a struct key whose event µs is
    /// NULL would sort after every real one.
    /// </summary>
    public static string IsCandidateSql(string eventTimestampSql) => $"isfinite({eventTimestampSql})";

    /// <summary>
    /// The key built by <see cref="VersionKeySql"/> as one integer of the same order, for aggregates
    /// (<c>arg_max</c>, <c>max</c>): <c>e * 2^64 + c</c> as a HUGEINT (with <c>c</c> in [-2^63, 2^63) the packing is
    /// lexicographic), or the key itself when it is already the event µs. DuckDB aggregates integers far faster than
    /// structs, while its ASOF join compares the struct faster than a HUGEINT, so each query uses the form it runs
    /// fastest with; the packing reads the struct's own fields, so the order stays the key's. A key whose event µs is
    /// NULL (not a candidate) packs to NULL, which <c>arg_max</c> and <c>max</c> skip.
    /// </summary>
    public static string AggregateVersionKeySql(string versionKeySql, bool withCreatedTimestamp) =>
        withCreatedTimestamp
            ? $"(CAST(struct_extract({versionKeySql}, 'e') AS HUGEINT) * 18446744073709551616 + struct_extract({versionKeySql}, 'c'))"
            : versionKeySql;

    /// <summary>The event µs inside a key built by <see cref="VersionKeySql"/>.</summary>
    public static string VersionEventMicrosSql(string versionKeySql, bool withCreatedTimestamp) =>
        withCreatedTimestamp ? $"struct_extract({versionKeySql}, 'e')" : versionKeySql;

    /// <summary>
    /// The probe side of an <c>ASOF JOIN ... ON probe &gt;= version_key</c> against <see cref="VersionKeySql"/>: the
    /// greatest version whose event time is <paramref name="asOfMicrosSql"/> (µs since the epoch; created =
    /// <see cref="long.MaxValue"/>), so it admits every version with event timestamp &lt;= as-of whatever its created
    /// timestamp, and the ASOF match is the greatest one, i.e. the winning row, with no separate tie-reduction pass.
    /// A null as-of time matches nothing.
    /// </summary>
    public static string AsOfProbeKeySql(string asOfMicrosSql, bool withCreatedTimestamp) =>
        withCreatedTimestamp
            ? $"CASE WHEN {asOfMicrosSql} IS NOT NULL THEN struct_pack(e := {asOfMicrosSql}, c := {LatestCreatedSql}) END"
            : asOfMicrosSql;

    /// <summary>
    /// The one shape of the rule's bounds: <c>lower &lt;= value &lt;= upper</c>, both inclusive, no lower bound when
    /// <paramref name="lowerSql"/> is null.
    /// </summary>
    public static string InclusiveRangeSql(string valueSql, string? lowerSql, string upperSql) =>
        lowerSql is null
            ? $"{valueSql} <= {upperSql}"
            : $"({valueSql} >= {lowerSql} AND {valueSql} <= {upperSql})";

    /// <summary>
    /// The predicate "a row with this event time may be the value as of <paramref name="asOfMicrosSql"/>" for a
    /// view's TTL: <see cref="InclusiveRangeSql"/> over <c>[as_of - ttl, as_of]</c>, unbounded below for a zero TTL.
    /// Both arguments are µs since the epoch (BIGINT); the TTL is a number formatted here, never user text.
    /// </summary>
    public static string WithinTtlSql(string eventMicrosSql, string asOfMicrosSql, TimeSpan ttl) =>
        InclusiveRangeSql(
            eventMicrosSql,
            ttl > TimeSpan.Zero ? $"{asOfMicrosSql} - {(ttl.Ticks / TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture)}" : null,
            asOfMicrosSql);

    /// <summary>
    /// The predicate of a materialization window, <see cref="InclusiveRangeSql"/> over <c>[start, end]</c> (no lower
    /// bound when <paramref name="startSql"/> is null). The winner per key among these rows (greatest
    /// <see cref="VersionKeySql"/>) is the value as of <c>end</c>, which online reads re-check with
    /// <see cref="LatestValueRule.IsWithinTtl"/>. Arguments are naive TIMESTAMPs holding UTC, compared as the column
    /// itself so DuckDB can skip row groups by their statistics.
    /// </summary>
    public static string InWindowSql(string eventTimestampSql, string? startSql, string endSql) =>
        InclusiveRangeSql(eventTimestampSql, startSql, endSql);

    /// <summary>
    /// When a row became visible for <c>--as-of-created</c>: a row is a candidate at T only if both its event and its
    /// created timestamp are &lt;= T, i.e. if <c>greatest(event, created)</c> &lt;= T (a missing created timestamp
    /// means the event timestamp alone).
    /// </summary>
    public static string AvailableAtSql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? eventTimestampSql
            : $"greatest({eventTimestampSql}, coalesce({createdTimestampSql}, {eventTimestampSql}))";

    // ---- SQL over naive-UTC timestamps. ---------------------------------------------------------------------
    // Casting TIMESTAMP to TIMESTAMPTZ goes through ICU for every row; a naive TIMESTAMP holding UTC compares the
    // same instants with no per-row conversion, so both the training set and the materializer normalize every
    // timestamp column with AsUtcNaiveTimestampSql first.

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
}
