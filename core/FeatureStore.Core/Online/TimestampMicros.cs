namespace FeatureStore.Core.Online;

/// <summary>
/// Timestamps as microseconds since the Unix epoch (UTC): DuckDB's precision and the unit every online timestamp
/// (event, created, timestamp features) is stored in, so values survive the round trip exactly.
/// </summary>
public static class TimestampMicros
{
    /// <summary>
    /// Stands for "no timestamp" where a value has none (a feature not found has no event timestamp). The order of
    /// versions, where a missing created timestamp sorts first, is <see cref="PointInTime.RowVersion.MissingCreated"/>.
    /// </summary>
    public const long Missing = long.MinValue;

    public static long FromDateTimeOffset(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>A <see cref="DateTime"/> of unspecified kind is taken as UTC, like DuckDB's naive timestamps.</summary>
    public static long FromDateTime(DateTime value) =>
        value.Kind == DateTimeKind.Local
            ? FromDateTimeOffset(new DateTimeOffset(value))
            : (value.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset ToDateTimeOffset(long micros) =>
        DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
}
