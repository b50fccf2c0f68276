using System.Globalization;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Parses durations written as a whole number and a unit (<c>30s</c>, <c>90m</c>, <c>1h</c>, <c>1d</c>, <c>2w</c>),
/// or <c>0</c> for "never expires". Fractions and other units are rejected rather than guessed.
/// </summary>
internal static class DurationParser
{
    public const string Help = "write a whole number followed by s, m, h, d or w (e.g. 1d, 90m), or 0 for never";

    /// <summary>The longest duration accepted: far beyond any sensible TTL, and far from arithmetic overflow.</summary>
    public const long MaxDays = 36_600;

    public const string TooLong = "a ttl may be at most 36600d (100 years); use 0 for values that never expire";

    public static bool TryParse(string text, out TimeSpan duration) => TryParse(text, out duration, out _);

    /// <summary>Parses; on failure <paramref name="problem"/> says what is wrong (malformed, or too long).</summary>
    public static bool TryParse(string text, out TimeSpan duration, out string problem)
    {
        duration = TimeSpan.Zero;
        problem = Help;
        var trimmed = text.Trim();
        if (trimmed == "0")
        {
            return true;
        }
        if (trimmed.Length < 2)
        {
            return false;
        }
        var digits = trimmed[..^1];
        if (!digits.All(char.IsAsciiDigit)
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        var unitSeconds = trimmed[^1] switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3600L,
            'd' => 86400L,
            'w' => 604800L,
            _ => 0L,
        };
        if (unitSeconds == 0)
        {
            return false;
        }
        if (amount > MaxDays * 86400 / unitSeconds)
        {
            problem = TooLong;
            return false;
        }
        duration = TimeSpan.FromSeconds(amount * unitSeconds);
        return true;
    }
}
