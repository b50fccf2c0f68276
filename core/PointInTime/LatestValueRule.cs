using System.Globalization;

namespace FeatureStore.Core.PointInTime;

/// <summary>
/// The one definition of "latest value as of T" that training sets (offline) and the materializer plus online
/// reads (online) share. Keep every piece of it here, so the two paths cannot drift apart:
/// <code>
/// value(V, k, T) = the row of V's source with key k and the greatest (event_timestamp, created_timestamp)
///                  among rows with event_timestamp &lt;= T and, if V has a TTL, event_timestamp &gt;= T - TTL
///                  (both bounds inclusive); null when there is none.
/// </code>
/// A missing created timestamp sorts before any present one. The materializer evaluates the rule at
/// T = end of its window and stores the winner with its event timestamp; an online read at time <c>now</c>
/// re-applies the TTL bound with <see cref="IsWithinTtl"/>.
/// </summary>
public static class LatestValueRule
{
    /// <summary>
    /// True when a row with this event timestamp may be the value as of <paramref name="asOf"/>:
    /// not in the future and, with a TTL, not older than <c>asOf - ttl</c>. A TTL of zero never expires.
    /// </summary>
    public static bool IsWithinTtl(DateTimeOffset eventTimestamp, DateTimeOffset asOf, TimeSpan ttl) =>
        eventTimestamp <= asOf && (ttl <= TimeSpan.Zero || eventTimestamp >= asOf - ttl);

    /// <summary>
    /// Orders two versions of a row: later event timestamp wins, then later created timestamp; a missing created
    /// timestamp loses to a present one. Positive when version a is newer.
    /// </summary>
    public static int CompareVersions(
        DateTimeOffset aEvent, DateTimeOffset? aCreated, DateTimeOffset bEvent, DateTimeOffset? bCreated)
    {
        var byEvent = aEvent.CompareTo(bEvent);
        if (byEvent != 0)
        {
            return byEvent;
        }
        return (aCreated, bCreated) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            _ => aCreated.Value.CompareTo(bCreated.Value),
        };
    }

    /// <summary>
    /// DuckDB <c>ORDER BY</c> terms that put the winning row first (for window functions and tie reduction).
    /// Arguments are already-quoted SQL expressions.
    /// </summary>
    public static string NewestFirstOrderSql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? $"{eventTimestampSql} DESC"
            : $"{eventTimestampSql} DESC, {createdTimestampSql} DESC NULLS LAST";

    /// <summary>
    /// A DuckDB expression whose maximum is the winning row, for <c>arg_max(row, key)</c> aggregation.
    /// Arguments are already-quoted SQL expressions of type TIMESTAMPTZ.
    /// </summary>
    public static string VersionKeySql(string eventTimestampSql, string? createdTimestampSql) =>
        createdTimestampSql is null
            ? $"{eventTimestampSql}"
            : $"struct_pack(e := {eventTimestampSql}, c := coalesce({createdTimestampSql}, '-infinity'::TIMESTAMPTZ))";

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
    /// Normalizes a timestamp column to TIMESTAMPTZ in UTC: naive timestamps are taken as UTC
    /// (connections run with <c>SET TimeZone = 'UTC'</c>), zoned ones keep their instant.
    /// </summary>
    public static string AsUtcTimestampSql(string columnSql) => $"CAST({columnSql} AS TIMESTAMPTZ)";

    /// <summary>
    /// The DuckDB predicate of a materialization window: <c>start &lt;= event_ts &lt;= end</c>, both inclusive, no lower
    /// bound when <paramref name="startSql"/> is null. The winner per key among these rows (greatest
    /// <see cref="VersionKeySql"/>) is the value as of <c>end</c>, which online reads then re-check with
    /// <see cref="IsWithinTtl"/>. Arguments are already-quoted SQL expressions of type TIMESTAMPTZ.
    /// </summary>
    public static string InWindowSql(string eventTimestampSql, string? startSql, string endSql) =>
        startSql is null
            ? $"{eventTimestampSql} <= {endSql}"
            : $"({eventTimestampSql} >= {startSql} AND {eventTimestampSql} <= {endSql})";
}
