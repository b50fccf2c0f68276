using System.Globalization;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>Short human ages and durations: "just now", "12 min", "3 h", "2 d".</summary>
internal static class AgeText
{
    public static string Ago(TimeSpan age) => age < TimeSpan.FromMinutes(1) ? "just now" : $"{Span(age)} ago";

    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        return span switch
        {
            { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds} s",
            { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min",
            { TotalHours: < 48 } => $"{(int)span.TotalHours} h",
            _ => $"{(int)span.TotalDays} d",
        };
    }

    /// <summary>A TTL as written in definitions: "1d", "6h", "90m"; zero means values never expire.</summary>
    public static string Ttl(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero) return "none (never expires)";
        if (ttl.Ticks % TimeSpan.TicksPerDay == 0) return $"{(long)ttl.TotalDays}d";
        if (ttl.Ticks % TimeSpan.TicksPerHour == 0) return $"{(long)ttl.TotalHours}h";
        if (ttl.Ticks % TimeSpan.TicksPerMinute == 0) return $"{(long)ttl.TotalMinutes}m";
        return $"{ttl.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
    }

    public static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
