namespace FeatureStore.Core.PointInTime;

/// <summary>
/// The one definition of "latest value as of T" that training sets (offline) and the materializer plus online
/// reads (online) share. Keep every piece of it here, so the two paths cannot drift apart:
/// <code>
/// value(V, k, T) = the row of V's source with key k and the greatest (event_timestamp, created_timestamp)
///                  among rows with event_timestamp &lt;= T and, if V has a TTL, event_timestamp &gt;= T - TTL
///                  (both bounds inclusive); null when there is none.
/// </code>
/// The order of rows is <see cref="RowVersion"/>: a missing created timestamp sorts before any present one.
/// The bound is <see cref="OldestWithinTtl"/> .. T. The offline engine evaluates the rule in SQL (training sets at
/// each entity row's T, materialization at T = end of its window, starting by default at
/// <see cref="OldestWithinTtl"/> of that end) and the online store keeps the winner with its version; an online read
/// at time <c>now</c> re-applies the bound with <see cref="IsWithinTtl"/>.
/// </summary>
public static class LatestValueRule
{
    /// <summary>
    /// The oldest event timestamp that may still be the value as of <paramref name="asOf"/>: <c>asOf - ttl</c>
    /// (inclusive); null for a TTL of zero, which never expires.
    /// </summary>
    public static DateTimeOffset? OldestWithinTtl(DateTimeOffset asOf, TimeSpan ttl) =>
        ttl > TimeSpan.Zero ? asOf - ttl : null;

    /// <summary>
    /// True when a row with this event timestamp may be the value as of <paramref name="asOf"/>: not in the future
    /// and not older than <see cref="OldestWithinTtl"/>, both bounds inclusive.
    /// </summary>
    public static bool IsWithinTtl(DateTimeOffset eventTimestamp, DateTimeOffset asOf, TimeSpan ttl) =>
        eventTimestamp <= asOf && (OldestWithinTtl(asOf, ttl) is not { } oldest || eventTimestamp >= oldest);
}
