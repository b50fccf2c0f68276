using System.Diagnostics.CodeAnalysis;
using Cronos;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Scheduling;

/// <summary>
/// A materialization schedule: a standard five-field cron expression (minute hour day-of-month month day-of-week,
/// or a macro such as <c>@hourly</c>) evaluated in UTC, so every worker and server agrees on when a view is due
/// whatever the machine's time zone.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>Shown in errors: what a schedule looks like.</summary>
    public const string Example = "\"*/15 * * * *\" (five fields: minute hour day-of-month month day-of-week, in UTC)";

    // A fixed point to check that an expression fires at all: one such as "0 0 30 2 *" parses but never occurs.
    private static readonly DateTimeOffset Reference = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression)
    {
        Text = text;
        _expression = expression;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong with it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CronSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        schedule = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = $"a schedule is a cron expression such as {Example}";
            return false;
        }
        var trimmed = text.Trim();
        try
        {
            var expression = CronExpression.Parse(trimmed, CronFormat.Standard);
            if (expression.GetNextOccurrence(Reference, TimeZoneInfo.Utc) is null)
            {
                problem = "it never fires (no date matches it)";
                return false;
            }
            schedule = new CronSchedule(trimmed, expression);
            problem = null;
            return true;
        }
        catch (CronFormatException ex)
        {
            problem = $"{ex.Message.TrimEnd('.')}; write a cron expression such as {Example}";
            return false;
        }
        catch (MissingSeedException)
        {
            problem = $"'H' (hashed values) is not supported; write a cron expression such as {Example}";
            return false;
        }
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="UserInputException"/> saying what is wrong.</summary>
    public static CronSchedule Parse(string text) =>
        TryParse(text, out var schedule, out var problem)
            ? schedule
            : throw new UserInputException($"Malformed schedule '{text}': {problem}.");

    /// <summary>The first occurrence strictly after <paramref name="time"/>; null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset time) =>
        _expression.GetNextOccurrence(time.ToUniversalTime(), TimeZoneInfo.Utc, inclusive: false);

    public override string ToString() => Text;
}
