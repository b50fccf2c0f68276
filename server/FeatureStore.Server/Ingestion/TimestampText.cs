using System.Globalization;
using System.Text.RegularExpressions;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Timestamps as Feast clients send them in a data frame: ISO-8601 text with a <c>T</c> or a space between date and
/// time (<c>2022-05-13T10:59:42Z</c>, <c>"2022-05-13 10:59:42+00:00"</c>, <c>2022-05-13 10:59:42.123456</c>), up to nine
/// fraction digits, an offset (<c>Z</c>, <c>+02:00</c>, <c>+0200</c>) or none, which means UTC; a date alone is
/// midnight UTC. Numbers are seconds since the Unix epoch (fractions allowed); a number too large for seconds
/// (after the year 5000) is refused rather than guessed to be milliseconds.
/// </summary>
public static partial class TimestampText
{
    /// <summary>Largest epoch number read as seconds: 1e11 s is the year 5138; milliseconds of today are 1.7e12.</summary>
    public const double MaxEpochSeconds = 1e11;

    public const string Expected =
        "ISO-8601 text (e.g. 2022-05-13T10:59:42Z or 2022-05-13 10:59:42+00:00; no offset means UTC) or seconds since the Unix epoch";

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Iso();

    /// <summary>Parses ISO-8601 text; false with a reason when it is not one.</summary>
    public static bool TryParse(string text, out DateTimeOffset value, out string? problem)
    {
        value = default;
        problem = null;
        var match = Iso().Match(text.Trim());
        if (!match.Success)
        {
            problem = $"'{Shorten(text)}' is not a timestamp; send {Expected}";
            return false;
        }
        var g = match.Groups;
        try
        {
            var offset = TimeSpan.Zero;
            if (g[8].Success && g[8].Value is not ("Z" or "z"))
            {
                var digits = g[8].Value.Replace(":", "", StringComparison.Ordinal);
                var hours = int.Parse(digits.AsSpan(1, 2), CultureInfo.InvariantCulture);
                var minutes = digits.Length > 3 ? int.Parse(digits.AsSpan(3, 2), CultureInfo.InvariantCulture) : 0;
                offset = new TimeSpan(hours, minutes, 0) * (digits[0] == '-' ? -1 : 1);
            }
            var fraction = g[7].Success ? g[7].Value.PadRight(7, '0')[..7] : "0";
            var local = new DateTime(
                Int(g[1]), Int(g[2]), Int(g[3]),
                g[4].Success ? Int(g[4]) : 0, g[5].Success ? Int(g[5]) : 0, g[6].Success ? Int(g[6]) : 0,
                DateTimeKind.Unspecified).AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture));
            value = new DateTimeOffset(local, offset).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            problem = $"'{Shorten(text)}' is not a valid date and time";
            return false;
        }
    }

    /// <summary>Seconds since the Unix epoch; false with a reason when out of range.</summary>
    public static bool TryFromEpochSeconds(double seconds, string sent, out DateTimeOffset value, out string? problem)
    {
        value = default;
        problem = null;
        if (!double.IsFinite(seconds) || Math.Abs(seconds) >= MaxEpochSeconds)
        {
            problem = $"the number {sent} is out of range for seconds since the Unix epoch (milliseconds or finer are not accepted); send {Expected}";
            return false;
        }
        var ticks = (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        if (ticks < DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks)
        {
            problem = $"the number {sent} is before the year 1; send {Expected}";
            return false;
        }
        value = DateTimeOffset.UnixEpoch.AddTicks(ticks);
        return true;
    }

    private static int Int(Group group) => int.Parse(group.ValueSpan, CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
