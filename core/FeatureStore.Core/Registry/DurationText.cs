namespace FeatureStore.Core.Registry;

/// <summary>
/// Writes a duration the way definitions spell it (<c>1d</c>, <c>90m</c>, <c>2w</c>): the largest unit that
/// divides it evenly. Zero means "never expires" for a TTL and is written <c>none</c>.
/// </summary>
internal static class DurationText
{
    private static readonly (string Suffix, TimeSpan Unit)[] Units =
    [
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
    ];

    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "none";
        }
        foreach (var (suffix, unit) in Units)
        {
            if (duration.Ticks % unit.Ticks == 0)
            {
                return $"{duration.Ticks / unit.Ticks}{suffix}";
            }
        }
        return $"{duration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}s";
    }
}
