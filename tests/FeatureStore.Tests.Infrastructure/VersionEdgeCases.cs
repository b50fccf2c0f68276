using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// Row versions at the edges of <see cref="RowVersion"/>'s order, for checking that every encoding of a version
/// (the SQL key, the Redis header and script) orders them as <see cref="RowVersion.CompareTo"/> does: a missing
/// created timestamp and its neighbour, zero and ±1 µs, values 1 µs apart beyond 2^53 (where doubles stop telling
/// them apart), a realistic now, and the end of year 9999.
/// </summary>
internal static class VersionEdgeCases
{
    /// <summary>2024-06-01T12:00:00Z in µs: a realistic event time.</summary>
    public static readonly long Now = TimestampMicros.FromDateTimeOffset(new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>9999-12-31T23:59:59.999999Z in µs.</summary>
    public static readonly long EndOf9999 = TimestampMicros.FromDateTimeOffset(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero)) + 999_999;

    /// <summary>0001-01-01T00:00:00Z in µs.</summary>
    public static readonly long StartOf0001 = TimestampMicros.FromDateTimeOffset(DateTimeOffset.MinValue);

    private const long TwoTo53 = 1L << 53;

    /// <summary>Event times any timestamp column can hold (years 1 to 9999).</summary>
    public static readonly long[] TimestampEvents = [StartOf0001, -1, 0, 1, Now, Now + 1, TwoTo53, TwoTo53 + 1, EndOf9999 - 1, EndOf9999];

    /// <summary>Created times any timestamp column can hold, and the missing one.</summary>
    public static readonly long[] TimestampCreated = [RowVersion.MissingCreated, StartOf0001, -1, 0, Now, Now + 1, EndOf9999 - 1, EndOf9999];

    /// <summary>Whole int64 extremes, for encodings that take any µs value (the online header).</summary>
    public static readonly long[] Int64Extremes = [long.MinValue, long.MinValue + 1, long.MaxValue - 1, long.MaxValue];

    /// <summary>Every pair of <see cref="TimestampEvents"/> x <see cref="TimestampCreated"/>.</summary>
    public static RowVersion[] TimestampVersions() =>
        TimestampEvents.SelectMany(e => TimestampCreated.Select(c => new RowVersion(e, c))).ToArray();

    /// <summary><see cref="TimestampVersions"/> plus versions with int64 extremes in either part.</summary>
    public static RowVersion[] AllVersions() =>
        TimestampVersions()
            .Concat(Int64Extremes.SelectMany(x => new[] { new RowVersion(x, RowVersion.MissingCreated), new RowVersion(x, x), new RowVersion(Now, x) }))
            .Distinct()
            .ToArray();
}
