using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;
using FeatureStore.Core.Scheduling;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Scheduling;

/// <summary>Which views are due and when each runs next, on an injected clock.</summary>
public sealed class MaterializationSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static FeatureViewDefinition View(string name, string? schedule, bool online = true) => new()
    {
        Name = name, Entities = ["driver"], Source = "source", Online = online, Schedule = schedule,
        Features = [new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) }],
    };

    private static DefinitionSet Definitions(params FeatureViewDefinition[] views) => new() { Project = "p", FeatureViews = views };

    private static ViewMaterializationState State(string view, DateTimeOffset? watermark, DateTimeOffset? lastRunAt = null) =>
        new(view, watermark, lastRunAt ?? watermark, null, watermark, 1, TimeSpan.FromSeconds(1));

    private static MaterializationScheduler Scheduler(DateTimeOffset now) => new(new FixedTimeProvider(now));

    [Fact]
    public void A_view_is_due_once_the_first_occurrence_after_its_watermark_has_come()
    {
        var definitions = Definitions(View("hourly", "0 * * * *"), View("daily", "0 0 * * *"));
        var states = new[] { State("hourly", Now.AddMinutes(-90)), State("daily", Now.AddHours(-10)) };

        var schedules = Scheduler(Now).Evaluate(definitions, states);

        var hourly = schedules.Single(s => s.View == "hourly");
        Assert.True(hourly.IsDue);
        Assert.Equal(Now.AddHours(-1), hourly.NextRun); // the 09:00 occurrence came after the 08:30 watermark
        var daily = schedules.Single(s => s.View == "daily");
        Assert.False(daily.IsDue); // materialized at midnight: the next midnight has not come
        Assert.Equal(new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero), daily.NextRun);
    }

    [Fact]
    public void A_view_run_at_an_occurrence_waits_for_the_next_one()
    {
        var schedule = Scheduler(Now).Evaluate(Definitions(View("v", "*/15 * * * *")), [State("v", Now)]).Single();
        Assert.False(schedule.IsDue);
        Assert.Equal(Now.AddMinutes(15), schedule.NextRun);

        var later = Scheduler(Now.AddMinutes(15)).Evaluate(Definitions(View("v", "*/15 * * * *")), [State("v", Now)]).Single();
        Assert.True(later.IsDue);
    }

    [Fact]
    public void A_view_never_materialized_is_due_at_once()
    {
        var schedule = Scheduler(Now).Evaluate(Definitions(View("v", "0 0 1 1 *")), []).Single();
        Assert.True(schedule.IsDue);
        Assert.Equal(Now, schedule.NextRun);
        Assert.Null(schedule.Watermark);
    }

    [Fact]
    public void Missed_occurrences_are_caught_up_once()
    {
        // Nothing ran for a day: one run now, then the regular rhythm.
        var schedule = Scheduler(Now).Evaluate(Definitions(View("v", "*/15 * * * *")), [State("v", Now.AddDays(-1))]).Single();
        Assert.True(schedule.IsDue);
        var afterTheRun = Scheduler(Now.AddSeconds(5)).Evaluate(Definitions(View("v", "*/15 * * * *")), [State("v", Now.AddSeconds(1))]).Single();
        Assert.False(afterTheRun.IsDue);
        Assert.Equal(Now.AddMinutes(15), afterTheRun.NextRun);
    }

    [Fact]
    public void A_failed_or_locked_attempt_defers_the_view_to_its_next_occurrence()
    {
        var definitions = Definitions(View("v", "*/15 * * * *"));
        var attempts = new Dictionary<string, DateTimeOffset> { ["v"] = Now };

        var schedule = Scheduler(Now.AddMinutes(5)).Evaluate(definitions, [State("v", Now.AddHours(-2))], attempts).Single();

        Assert.False(schedule.IsDue);
        Assert.Equal(Now.AddMinutes(15), schedule.NextRun);
    }

    [Fact]
    public void Views_without_a_schedule_and_offline_views_are_not_scheduled()
    {
        var definitions = Definitions(View("manual", null), View("offline", "* * * * *", online: false), View("scheduled", "* * * * *"));
        Assert.Equal(["scheduled"], Scheduler(Now).Evaluate(definitions, []).Select(s => s.View));
    }

    [Fact]
    public void A_watermark_in_the_future_counts_from_the_run_that_recorded_it()
    {
        // An older version recorded a watermark a month ahead two hours ago; the view is current only up to that run.
        var state = State("v", Now.AddDays(30), lastRunAt: Now.AddHours(-2));
        var schedule = Scheduler(Now).Evaluate(Definitions(View("v", "0 * * * *")), [state]).Single();
        Assert.True(schedule.IsDue);
        Assert.Equal(Now.AddHours(-1), schedule.NextRun);
    }
}
