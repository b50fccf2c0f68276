using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Logging;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// <c>--audit-on-schedule</c>: a cron expression (the schedule support of scheduled materialization) or an interval
/// for audits more often than a minute; anything else stops the server naming the flag.
/// </summary>
public sealed class AuditScheduleTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();
    private static readonly DateTimeOffset At = new(2025, 3, 4, 10, 17, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("30s", "2025-03-04T10:18:00Z")]
    [InlineData("15m", "2025-03-04T10:32:30Z")]
    [InlineData("1d", "2025-03-05T10:17:30Z")]
    [InlineData("@hourly", "2025-03-04T11:00:00Z")]
    [InlineData("*/15 * * * *", "2025-03-04T10:30:00Z")]
    [InlineData("0 6 * * *", "2025-03-05T06:00:00Z")]
    public void Intervals_follow_the_last_audit_and_cron_expressions_fire_at_their_utc_times(string text, string next)
    {
        Assert.True(AuditSchedule.TryParse(text, out var schedule, out var problem), problem);
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), schedule.NextAfter(At));
    }

    [Theory]
    [InlineData("0s", "is not a cron expression in UTC")]
    [InlineData("10x", "is not a cron expression in UTC")]
    [InlineData("hourly", "is not a cron expression in UTC")]
    [InlineData("61 * * * *", "malformed schedule '61 * * * *'")]
    [InlineData("0 0 30 2 *", "never fires")]
    public void Values_that_are_neither_are_refused_at_start_naming_the_flag(string text, string expected)
    {
        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--audit-on-schedule", text], NoEnvironment));
        Assert.Contains("--audit-on-schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_sets_it_and_the_flag_overrides_the_environment()
    {
        var environment = new Dictionary<string, string?> { ["FEATURESTORE_AUDIT_ON_SCHEDULE"] = "@daily" };
        Assert.Equal("@daily", ServerArguments.Parse([], environment).AuditOnSchedule);
        Assert.Equal("5m", ServerArguments.Parse(["--audit-on-schedule", "5m"], environment).AuditOnSchedule);
        Assert.Null(ServerArguments.Parse([], NoEnvironment).AuditOnSchedule);
    }
}
