namespace FeatureStore.Core.PointInTime;

/// <summary>
/// The order of the rows of one entity key, shared by every path that picks "the latest row" (see
/// <see cref="LatestValueRule"/>): by event timestamp, then by created timestamp, where a missing created timestamp
/// sorts before every present one. Both are µs since the Unix epoch; a missing created timestamp is
/// <see cref="MissingCreated"/> (<see cref="long.MinValue"/>), so comparing the two signed integers in order is the
/// whole rule. The online store's compare-and-set (a server-side script comparing the stored 16-byte big-endian
/// header) and the offline engine's version key encode exactly this order; the cross-path tests hold them to it.
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
