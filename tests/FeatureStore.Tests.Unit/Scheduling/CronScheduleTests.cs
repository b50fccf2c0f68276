using FeatureStore.Core.Errors;
using FeatureStore.Core.Scheduling;

namespace FeatureStore.Tests.Scheduling;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("*/15 * * * *", "2024-05-01T12:15:00+00:00")]
    [InlineData("0 * * * *", "2024-05-01T13:00:00+00:00")]
    [InlineData("30 2 * * 1-5", "2024-05-02T02:30:00+00:00")]
    [InlineData("0 0 1 * *", "2024-06-01T00:00:00+00:00")]
    [InlineData("@daily", "2024-05-02T00:00:00+00:00")]
    public void The_next_occurrence_is_strictly_after_the_given_time_in_UTC(string text, string expected)
    {
        Assert.True(CronSchedule.TryParse(text, out var schedule, out var problem), problem);
        Assert.Equal(DateTimeOffset.Parse(expected), schedule.NextAfter(Noon));
    }

    [Fact]
    public void A_time_with_an_offset_is_read_as_the_instant_it_names()
    {
        var schedule = CronSchedule.Parse("0 13 * * *");
        // 14:30 at +02:00 is 12:30 UTC: the 13:00 UTC occurrence is the next one.
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 13, 0, 0, TimeSpan.Zero), schedule.NextAfter(new DateTimeOffset(2024, 5, 1, 14, 30, 0, TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("*/15 * * *", "")]
    [InlineData("61 * * * *", "")]
    [InlineData("every hour", "")]
    [InlineData("0 0 30 2 *", "never fires")]
    [InlineData("H * * * *", "'H'")]
    [InlineData("", "cron expression")]
    public void A_malformed_schedule_is_refused_with_the_reason_and_an_example(string text, string reason)
    {
        Assert.False(CronSchedule.TryParse(text, out var schedule, out var problem));
        Assert.Null(schedule);
        Assert.Contains(reason, problem);
        if (reason != "never fires")
        {
            Assert.Contains("*/15 * * * *", problem);
        }
    }

    [Fact]
    public void Parse_throws_a_user_error_naming_the_expression()
    {
        var error = Assert.Throws<UserInputException>(() => CronSchedule.Parse("*/99 * * * *"));
        Assert.Contains("'*/99 * * * *'", error.Message);
    }
}
