using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Scheduling;
using FeatureStore.DuckDb;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;

namespace FeatureStore.Tests.Scheduling;

/// <summary>
/// The scheduled materialization loop over a real Redis and real Parquet files, on an injected clock: which views
/// run, when they run again, and that several workers on one repository run each due view once.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class MaterializationWorkerTests(RedisFixture redis) : IAsyncLifetime
{
    /// <summary>A midnight after every row time of the harness's data (keys never expire: the views have no TTL).</summary>
    private static readonly DateTimeOffset Day = new(ConsistencyScenario.T.Date.AddDays(2), TimeSpan.Zero);

    private readonly FixedTimeProvider _clock = new(Day.AddHours(10));
    private MaterializationHarness _harness = null!;
    private ScheduledRegistry _registry = null!;

    public Task InitializeAsync()
    {
        _harness = new MaterializationHarness(redis.Connection) { Time = _clock };
        _registry = new ScheduledRegistry(() => _harness.Definitions);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static FeatureViewDefinition View(string name, string? schedule) => new()
    {
        Name = name, Entities = ["driver"], Source = $"{name}_source", Schedule = schedule,
        Features = [new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) }],
    };

    private Task AddViewAsync(string name, string? schedule, params (long Driver, DateTimeOffset At, long Trips)[] rows) =>
        _harness.AddViewAsync(View(name, schedule), ["BIGINT"],
            rows.Select(r => new SourceRow([r.Driver], r.At.UtcDateTime, null, [r.Trips])).ToArray(), withCreated: false);

    private MaterializationWorker Worker(MaterializationWorkerOptions? options = null, Action<ScheduledRun>? onRun = null) =>
        new(_registry, new MaterializationEngine(new RedisOnlineStore(redis.Connection), new DuckDbOfflineStore(), _registry, time: _clock),
            _harness.Root, _clock, options: options, onRun: onRun);

    private async Task<object?> TripsAsync(string view, long driver) =>
        (await _harness.ReadAsync([$"{view}:trips"], _clock.Now, ("driver_id", [driver]))).Columns[0][0].Value;

    [Fact]
    public async Task Due_views_run_and_the_others_wait_for_their_next_occurrence()
    {
        await AddViewAsync("hourly_stats", "0 * * * *", (1, Day.AddHours(9.25), 10));
        await AddViewAsync("daily_stats", "0 0 * * *", (1, Day.AddHours(9.25), 20));
        await AddViewAsync("manual_stats", null, (1, Day.AddHours(9.25), 30));
        await _registry.SeedAsync("hourly_stats", Day.AddHours(8.5)); // the 09:00 occurrence came since
        await _registry.SeedAsync("daily_stats", Day); // the next midnight has not come
        var worker = Worker();

        var run = Assert.Single(await worker.RunDueAsync());

        Assert.Equal(("hourly_stats", ScheduledRunOutcome.Succeeded), (run.View, run.Outcome));
        Assert.Equal(1, run.Summary!.RowsSelected);
        Assert.Equal(Day.AddHours(8.5), run.Summary.Start); // incremental: from the watermark
        Assert.Equal(_clock.Now, _registry.StateOf("hourly_stats")!.Watermark); // --end now
        Assert.Equal(10L, await TripsAsync("hourly_stats", 1));
        Assert.Null(await TripsAsync("daily_stats", 1));
        Assert.Null(_registry.StateOf("manual_stats"));

        Assert.Empty(await worker.RunDueAsync()); // same time: nothing is due any more

        _clock.Now = Day.AddHours(10.5);
        Assert.Empty(await worker.RunDueAsync());

        _clock.Now = Day.AddHours(11);
        Assert.Equal(["hourly_stats"], (await worker.RunDueAsync()).Select(r => r.View));

        _clock.Now = Day.AddDays(1);
        var both = await worker.RunDueAsync();
        Assert.Equal(["hourly_stats", "daily_stats"], both.Select(r => r.View));
        Assert.All(both, r => Assert.Equal(ScheduledRunOutcome.Succeeded, r.Outcome));
        Assert.Equal(20L, await TripsAsync("daily_stats", 1));
        Assert.Null(_registry.StateOf("manual_stats"));
    }

    [Fact]
    public async Task A_view_never_materialized_runs_at_the_first_pass()
    {
        await AddViewAsync("yearly_stats", "0 0 1 1 *", (1, Day.AddHours(-3), 5));

        var run = Assert.Single(await Worker().RunDueAsync());

        Assert.Equal(ScheduledRunOutcome.Succeeded, run.Outcome);
        Assert.Equal(5L, await TripsAsync("yearly_stats", 1));
    }

    [Fact]
    public async Task Two_workers_on_one_repository_run_each_due_view_once()
    {
        string[] views = ["a_stats", "b_stats", "c_stats", "d_stats"];
        foreach (var view in views)
        {
            await AddViewAsync(view, "0 * * * *", (1, Day.AddHours(-1), 1), (2, Day.AddHours(-2), 2));
        }
        var first = Worker();
        var second = Worker();

        for (var round = 1; round <= 4; round++)
        {
            var passes = await Task.WhenAll(Task.Run(() => first.RunDueAsync()), Task.Run(() => second.RunDueAsync()));
            var runs = passes.SelectMany(p => p).ToArray();

            Assert.DoesNotContain(runs, r => r.Outcome == ScheduledRunOutcome.Failed);
            foreach (var view in views)
            {
                Assert.Equal(1, runs.Count(r => r.View == view && r.Outcome == ScheduledRunOutcome.Succeeded));
                Assert.Equal(round, _registry.RunsRecorded(view));
            }
            // The other worker, if it saw the view due at all, found it locked or already run.
            Assert.All(runs.Where(r => r.Outcome != ScheduledRunOutcome.Succeeded),
                r => Assert.Contains(r.Outcome, new[] { ScheduledRunOutcome.Locked, ScheduledRunOutcome.Skipped }));
            _clock.Now = _clock.Now.AddHours(1);
        }
    }

    [Fact]
    public async Task A_view_another_run_materialized_after_the_worker_looked_is_skipped()
    {
        await AddViewAsync("hourly_stats", "0 * * * *", (1, Day.AddHours(9), 10));
        var engine = new MaterializationEngine(_harness.Store, new DuckDbOfflineStore(), _registry, time: _clock);
        await engine.RunAsync(new MaterializationRequest
        {
            Definitions = _harness.Definitions, RepositoryRoot = _harness.Root, End = _clock.Now.AddMinutes(-1),
        });

        // A worker decided on "never materialized" before that run recorded its watermark.
        var late = (await engine.RunAsync(new MaterializationRequest
        {
            Definitions = _harness.Definitions, RepositoryRoot = _harness.Root, End = _clock.Now,
            ExpectedWatermarks = new Dictionary<string, DateTimeOffset?> { ["hourly_stats"] = null },
        })).Single();

        Assert.StartsWith("materialized by another run meanwhile", late.SkippedReason);
        Assert.Equal(1, _registry.RunsRecorded("hourly_stats"));
        Assert.Equal(_clock.Now.AddMinutes(-1), _registry.StateOf("hourly_stats")!.Watermark);
    }

    [Fact]
    public async Task A_due_view_whose_lock_is_held_elsewhere_is_skipped_for_that_pass_not_failed()
    {
        await AddViewAsync("hourly_stats", "0 * * * *", (1, Day.AddHours(9), 10));
        var worker = Worker();
        var held = await _harness.Store.AcquireMaterializationLockAsync(_harness.Project, "hourly_stats", new MaterializationOptions(), wait: false);

        var locked = Assert.Single(await worker.RunDueAsync());
        Assert.Equal(ScheduledRunOutcome.Locked, locked.Outcome);
        Assert.Contains("'hourly_stats'", locked.Message);
        Assert.Null(_registry.StateOf("hourly_stats"));
        Assert.Empty(await worker.RunDueAsync()); // waits for the next occurrence rather than retrying at once

        await held.DisposeAsync();
        _clock.Now = Day.AddHours(11);
        Assert.Equal(ScheduledRunOutcome.Succeeded, Assert.Single(await worker.RunDueAsync()).Outcome);
    }

    [Fact]
    public async Task A_failed_run_is_reported_and_retried_at_the_next_occurrence_while_other_views_run()
    {
        await AddViewAsync("broken_stats", "*/15 * * * *", (1, Day.AddHours(9), 10));
        await AddViewAsync("healthy_stats", "*/15 * * * *", (1, Day.AddHours(9), 20));
        File.Delete(Path.Combine(_harness.Root, "data", "broken_stats.parquet"));
        var reported = new List<ScheduledRun>();
        var worker = Worker(onRun: reported.Add);

        var runs = await worker.RunDueAsync();

        Assert.Equal([("broken_stats", ScheduledRunOutcome.Failed), ("healthy_stats", ScheduledRunOutcome.Succeeded)],
            runs.Select(r => (r.View, r.Outcome)));
        Assert.Contains("broken_stats", runs[0].Message);
        Assert.Equal(runs, reported);
        Assert.Empty(await worker.RunDueAsync());

        _clock.Now = _clock.Now.AddMinutes(15);
        Assert.Equal([("broken_stats", ScheduledRunOutcome.Failed), ("healthy_stats", ScheduledRunOutcome.Succeeded)],
            (await worker.RunDueAsync()).Select(r => (r.View, r.Outcome)));
    }

    [Fact]
    public async Task The_loop_runs_due_views_until_cancelled_and_then_returns()
    {
        await AddViewAsync("hourly_stats", "0 * * * *", (1, Day.AddHours(9), 10));
        using var stop = new CancellationTokenSource();
        var loop = Worker(new MaterializationWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(50) }).RunAsync(stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_registry.StateOf("hourly_stats") is null && DateTime.UtcNow < deadline && !loop.IsCompleted)
        {
            await Task.Delay(20);
        }
        Assert.NotNull(_registry.StateOf("hourly_stats"));
        Assert.False(loop.IsCompleted);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10)); // returns, does not throw
        Assert.Equal(1, _registry.RunsRecorded("hourly_stats")); // the clock stood still: one run, however many passes
    }
}
