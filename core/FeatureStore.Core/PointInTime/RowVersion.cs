namespace FeatureStore.Core.PointInTime;

/// <summary>
/// The order of the rows of one entity key, shared by every path that picks "the latest row" (see
/// <see cref="LatestValueRule"/>): by event timestamp, then by created timestamp, where a missing created timestamp
/// sorts before every present one. Both are µs since the Unix epoch; a missing created timestamp is
/// <see cref="MissingCreated"/> (<see cref="long.MinValue"/>), so comparing the two signed integers in order
/// (<see cref="CompareTo"/>) is the whole rule. Every other encoding of a version is this pair, compared the same way:
/// <list type="bullet">
/// <item>offline (DuckDB, <c>LatestRowSql.VersionKeySql</c>): the struct <c>{e: event µs, c: created µs}</c> of two
/// BIGINTs, with this sentinel, which both the training-set join and the materializer's selection maximize;</item>
/// <item>online (Redis, <c>StoredViewValue</c>): a 16-byte header, <see cref="EventMicros"/> then
/// <see cref="CreatedMicros"/> as big-endian int64, which the compare-and-set script (<c>OnlineWriteScript</c>)
/// compares field by field as signed integers.</item>
/// </list>
/// Tests hold each encoding to <see cref="CompareTo"/> over edge cases, and the three paths to one another.
/// </summary>
public readonly record struct RowVersion(long EventMicros, long CreatedMicros) : IComparable<RowVersion>
{
    /// <summary>Stands for "no created timestamp": below every real one.</summary>
    public const long MissingCreated = long.MinValue;

    public static RowVersion Of(DateTimeOffset eventTimestamp, DateTimeOffset? createdTimestamp) =>
        new(Online.TimestampMicros.FromDateTimeOffset(eventTimestamp),
            createdTimestamp is { } created ? Online.TimestampMicros.FromDateTimeOffset(created) : MissingCreated);

    public bool HasCreated => CreatedMicros != MissingCreated;

    public int CompareTo(RowVersion other)
    {
        var byEvent = EventMicros.CompareTo(other.EventMicros);
        return byEvent != 0 ? byEvent : CreatedMicros.CompareTo(other.CreatedMicros);
    }

    public static bool operator <(RowVersion left, RowVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(RowVersion left, RowVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(RowVersion left, RowVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RowVersion left, RowVersion right) => left.CompareTo(right) >= 0;
}
