using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using FeatureStore.Core.Scheduling;

namespace FeatureStore.Server.Logging;

/// <summary>
/// When the server audits its logs (<c>--audit-on-schedule</c>): a cron expression in UTC, parsed by the same
/// <see cref="CronSchedule"/> as scheduled materialization (<c>@hourly</c>, <c>"0 */6 * * *"</c>), or a fixed interval
/// written as a whole number and a unit (<c>30s</c>, <c>15m</c>, <c>1h</c>, <c>1d</c>) for audits more often than once
/// a minute, which cron cannot express.
/// </summary>
internal sealed class AuditSchedule
{
    public const string Help = "a cron expression in UTC such as \"@hourly\" or \"0 */6 * * *\", or an interval such as 30s, 15m, 1h or 1d";

    private readonly CronSchedule? _cron;
    private readonly TimeSpan _interval;

    private AuditSchedule(CronSchedule? cron, TimeSpan interval)
    {
        _cron = cron;
        _interval = interval;
    }

    /// <summary>The first audit time strictly after <paramref name="time"/>; null when the schedule never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset time) => _cron is { } cron ? cron.NextAfter(time) : time + _interval;

    public static bool TryParse(string? text, [NotNullWhen(true)] out AuditSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        schedule = null;
        var trimmed = text?.Trim() ?? "";
        if (TryParseInterval(trimmed, out var interval))
        {
            schedule = new AuditSchedule(null, interval);
            problem = null;
            return true;
        }
        // A lone word with a digit and a unit is an interval gone wrong, not a cron expression: say so.
        if (!trimmed.Contains(' ', StringComparison.Ordinal) && !trimmed.StartsWith('@'))
        {
            problem = $"'{trimmed}' is not {Help}";
            return false;
        }
        if (!CronSchedule.TryParse(trimmed, out var cron, out var cronProblem))
        {
            problem = $"malformed schedule '{trimmed}': {cronProblem}";
            return false;
        }
        schedule = new AuditSchedule(cron, TimeSpan.Zero);
        problem = null;
        return true;
    }

    /// <summary>Null when valid, else what is wrong, for the settings validator.</summary>
    public static string? Check(string text) => TryParse(text, out _, out var problem) ? null : problem + ".";

    public override string ToString() => _cron?.Text ?? $"every {_interval}";

    private static bool TryParseInterval(string text, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        if (text.Length < 2 || !long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }
        var unit = text[^1] switch
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
}
