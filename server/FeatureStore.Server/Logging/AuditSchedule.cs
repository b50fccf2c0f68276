using System.Globalization;

namespace FeatureStore.Server.Logging;

/// <summary>
/// How often the server audits its logs (<c>--audit-on-schedule</c>): a fixed interval written as a whole number and
/// a unit, <c>30s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>. Kept to an interval on purpose: when the server gains cron schedules,
/// this is the one place to replace.
/// </summary>
internal static class AuditSchedule
{
    public const string Help = "an interval such as 30s, 15m, 1h or 1d";

    public static bool TryParse(string? text, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length < 2 || !long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }
        var unit = trimmed[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero || amount > 366 * TimeSpan.TicksPerDay / unit.Ticks)
        {
            return false;
        }
        interval = unit * amount;
        return true;
    }

    /// <summary>Null when valid, else what is wrong, for the settings validator.</summary>
    public static string? Check(string text) => TryParse(text, out _) ? null : $"'{text}' is not {Help}.";
}
