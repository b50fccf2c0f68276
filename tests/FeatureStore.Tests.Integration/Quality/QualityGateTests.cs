using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;
using FeatureStore.DuckDb;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;
using StackExchange.Redis;

namespace FeatureStore.Tests.Quality;

/// <summary>Checks gating materialization against a real Redis: what an error check keeps out, what a warning lets through.</summary>
[Collection(RedisCollection.Name)]
public sealed class QualityGateTests(RedisFixture redis)
{
    private static readonly DateTime T = ConsistencyScenario.T;
    private static readonly DateTimeOffset TO = new(T);

    private static FeatureViewDefinition Driver(FeatureChecks? convRateChecks, ViewChecks? viewChecks = null, string? reference = null) => new()
    {
        Name = "driver_stats", Entities = ["driver"], Source = "driver_stats_source", Ttl = TimeSpan.FromDays(2),
        Checks = viewChecks, Reference = reference,
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = FeatureType.Parse("float32"), Checks = convRateChecks },
            new FeatureDefinition { Name = "trips", Type = FeatureType.Parse("int64") },
        ],
    };

    private static readonly FeatureViewDefinition Customer = new()
    {
        Name = "customer_stats", Entities = ["customer"], Source = "customer_stats_source", Ttl = TimeSpan.FromDays(2),
        Features = [new FeatureDefinition { Name = "spend", Type = FeatureType.Parse("float64") }],
    };

    private static SourceRow Row(long driver, DateTime e, float conv, long trips) => new([driver], e, e, [conv, trips]);

    private static readonly SourceRow[] GoodRows =
        [Row(1, T.AddHours(-5), 0.1f, 10), Row(2, T.AddHours(-5), 0.2f, 20), Row(3, T.AddHours(-4), 0.3f, 30)];

    /// <summary>Later rows: driver 1's conv_rate is 7.5, out of [0, 1].</summary>
    private static readonly SourceRow[] BadRows = [.. GoodRows, Row(1, T.AddHours(-1), 7.5f, 11), Row(2, T.AddHours(-1), 0.25f, 21)];

    private async Task<MaterializationHarness> HarnessAsync(FeatureViewDefinition driver, SourceRow[] driverRows, SourceRow[] customerRows)
    {
        var harness = new MaterializationHarness(redis.Connection).WithQuality();
        await harness.AddViewAsync(driver, ["FLOAT", "BIGINT"], driverRows);
        await harness.AddViewAsync(Customer, ["DOUBLE"], customerRows);
        return harness;
    }

    private static SourceRow CustomerRow(string customer, DateTime e, double spend) => new([customer], e, e, [spend]);

    [Fact]
    public async Task An_error_check_leaves_redis_untouched_and_the_other_views_go_on()
    {
        var checks = new FeatureChecks { Min = 0, Max = 1 };
        await using var harness = await HarnessAsync(Driver(checks), GoodRows, [CustomerRow("c1", T.AddHours(-5), 5)]);
        await harness.RunAsync(TO.AddDays(-1), TO.AddHours(-3));
        var before = await SnapshotAsync(harness);
        var watermark = harness.Registry.StateOf("driver_stats")!.Watermark;

        await harness.AddViewAsync(Driver(checks), ["FLOAT", "BIGINT"], BadRows);
        await harness.AddViewAsync(Customer, ["DOUBLE"], [CustomerRow("c1", T.AddHours(-5), 5), CustomerRow("c2", T.AddHours(-1), 9)]);
        var summaries = await harness.RunAsync(TO.AddDays(-1), TO);

        var driver = summaries.Single(s => s.View == "driver_stats");
        Assert.True(driver.Blocked);
        Assert.Equal(0, driver.RowsWritten);
        var failure = Assert.Single(driver.Checks, c => !c.Passed);
        Assert.Equal(("conv_rate", "max", "max 7.5 > 1", CheckSeverity.Error), (failure.Feature, failure.Check, failure.Observed, failure.Severity));
        Assert.Equal(["driver_id=1"], failure.ExampleKeys);
        Assert.Equal(watermark, harness.Registry.StateOf("driver_stats")!.Watermark);

        // Every key the driver view touches is as it was: entity hashes, their expiry, the view list.
        var after = await SnapshotAsync(harness);
        Assert.Equal(Without(before, "customer"), Without(after, "customer"));

        var customer = summaries.Single(s => s.View == "customer_stats");
        Assert.False(customer.Blocked);
        Assert.Equal(1, customer.RowsWritten);
        Assert.Equal(9.0, (await harness.ReadAsync(["customer_stats:spend"], TO, ("customer_id", ["c2"]))).Columns[0][0].Value);

        var run = (await harness.Profiles.ListRunsAsync("driver_stats", 10)).First();
        Assert.Equal(RunOutcome.Blocked, run.Outcome);
        Assert.Equal(3, run.Profile.RowCount);
        Assert.Equal(7.5, run.Profile.Find("conv_rate")!.Numeric!.Max);
        Assert.Contains(run.Checks, c => c.Check == "max" && !c.Passed);
    }

    [Fact]
    public async Task A_first_run_stopped_by_an_error_check_leaves_no_key_at_all()
    {
        await using var harness = await HarnessAsync(Driver(new FeatureChecks { Max = 1 }), BadRows, []);

        var summary = (await harness.RunAsync(TO.AddDays(-1), TO, views: ["driver_stats"])).Single();

        Assert.True(summary.Blocked);
        Assert.Empty(await SnapshotAsync(harness));
        Assert.Null(harness.Registry.StateOf("driver_stats"));
    }

    [Fact]
    public async Task A_warn_check_is_reported_and_the_rows_are_written()
    {
        await using var harness = await HarnessAsync(Driver(new FeatureChecks { Max = 1, Severity = CheckSeverity.Warn }), BadRows, []);

        var summary = (await harness.RunAsync(TO.AddDays(-1), TO, views: ["driver_stats"])).Single();

        Assert.False(summary.Blocked);
        Assert.Equal(3, summary.RowsWritten);
        var warning = Assert.Single(summary.Checks, c => !c.Passed);
        Assert.Equal((CheckSeverity.Warn, "max 7.5 > 1"), (warning.Severity, warning.Observed));
        Assert.Equal(7.5f, (await harness.ReadAsync(["driver_stats:conv_rate"], TO, ("driver_id", [1L]))).Columns[0][0].Value);
        var run = (await harness.Profiles.ListRunsAsync("driver_stats", 10)).Single();
        Assert.Equal(RunOutcome.Written, run.Outcome);
        Assert.Contains(run.Checks, c => c.Check == "max" && !c.Passed && c.Severity == CheckSeverity.Warn);
    }

    [Fact]
    public async Task Drift_beyond_max_drift_psi_stops_a_view_like_any_error_check()
    {
        var random = new Random(5);
        SourceRow[] Sample(DateTime at, double mean) => Enumerable.Range(0, 2000)
            .Select(i => Row(i, at, (float)(mean + random.NextDouble()), i)).ToArray();
        var view = Driver(null, new ViewChecks { MaxDriftPsi = 0.25 }, "profile:baseline");
        await using var harness = await HarnessAsync(view, Sample(T.AddDays(-3), 0), []);
        var baseline = await new DuckDbFeatureProfiler().ProfileLatestRowsAsync(
            new Core.Offline.LatestRowsRequest(harness.Definitions, view, harness.Root, null, TO.AddDays(-2)), []);
        await harness.Profiles.SaveNamedAsync("baseline", baseline.Profile);

        await harness.AddViewAsync(view, ["FLOAT", "BIGINT"], Sample(T.AddHours(-2), 0));
        var same = (await harness.RunAsync(TO.AddDays(-1), TO, views: ["driver_stats"])).Single();
        await harness.AddViewAsync(view, ["FLOAT", "BIGINT"], Sample(T.AddHours(-1), 0.5));
        var shifted = (await harness.RunAsync(TO.AddDays(-1), TO, views: ["driver_stats"])).Single();

        Assert.False(same.Blocked);
        Assert.Contains(same.Checks, c => c.Check == "max_drift_psi" && c.Feature == "conv_rate" && c.Passed);
        Assert.True(shifted.Blocked);
        var drift = Assert.Single(shifted.Checks, c => !c.Passed);
        Assert.Equal(("conv_rate", "max_drift_psi"), (drift.Feature, drift.Check));
        Assert.StartsWith("PSI ", drift.Observed);
        var runs = await harness.Profiles.ListRunsAsync("driver_stats", 10);
        Assert.Equal([RunOutcome.Blocked, RunOutcome.Written], runs.Select(r => r.Outcome));
        Assert.All(runs, r => Assert.Equal($"profile:baseline ({baseline.Profile.Subject})", r.Drift!.Reference));
        Assert.True(runs[0].Drift!.Features.Single(f => f.Feature == "conv_rate").Psi > 0.25);

        // What the catalog reads: the last run's checks, the drift history oldest first, the freshness of written rows.
        var quality = await new QualityCatalog(harness.Profiles).GetAsync("driver_stats");
        Assert.Equal(2, quality.RecordedRuns);
        Assert.Same(quality.LastRun!.Checks, quality.LastChecks);
        Assert.Equal([DriftVerdict.Ok, DriftVerdict.Drift], quality.DriftHistory["conv_rate"].Select(p => p.Verdict == DriftVerdict.Warning ? DriftVerdict.Ok : p.Verdict));
        Assert.Equal(new DateTimeOffset(T.AddHours(-2)), quality.NewestEvent);
    }

    [Fact]
    public async Task Checking_writes_the_same_online_state_as_not_checking()
    {
        var checks = new FeatureChecks { Min = 0, Max = 10, NotNull = true };
        var project = RedisFixture.UniqueProject("q");
        string unchecked_, checked_;
        await using (var plain = new MaterializationHarness(redis.Connection, project))
        {
            await plain.AddViewAsync(Driver(checks), ["FLOAT", "BIGINT"], BadRows);
            await plain.RunAsync(TO.AddDays(-1), TO);
            unchecked_ = await MaterializationHarness.SnapshotAsync(redis.Connection, project);
        }
        await DeleteProjectAsync(project);
        await using (var gated = new MaterializationHarness(redis.Connection, project).WithQuality())
        {
            await gated.AddViewAsync(Driver(checks), ["FLOAT", "BIGINT"], BadRows);
            var summary = (await gated.RunAsync(TO.AddDays(-1), TO)).Single();
            Assert.False(summary.Blocked);
            checked_ = await MaterializationHarness.SnapshotAsync(redis.Connection, project);
        }

        Assert.NotEmpty(unchecked_);
        Assert.Equal(unchecked_, checked_);
    }

    [Fact]
    public async Task The_online_values_profile_like_the_rows_that_were_written()
    {
        await using var harness = await HarnessAsync(Driver(null), BadRows, []);
        await harness.RunAsync(TO.AddDays(-1), TO, views: ["driver_stats"]);
        var written = (await harness.Profiles.ListRunsAsync("driver_stats", 1)).Single().Profile;

        var online = await new DuckDbFeatureProfiler().ProfileRowsAsync(
            harness.Definitions, harness.ViewOf("driver_stats"), harness.Store.ScanViewAsync(harness.Definitions, harness.ViewOf("driver_stats")), "online");

        Assert.Equal(written.RowCount, online.RowCount);
        // Sums depend on the order rows arrive in, so mean and deviation agree to rounding; the rest exactly.
        static FeatureProfile Exact(FeatureProfile f) => f.Numeric is null ? f : f with { Numeric = f.Numeric with { Mean = null, StdDev = null } };
        Assert.Equal(ProfileJson.Serialize(written.Features.Select(Exact)), ProfileJson.Serialize(online.Features.Select(Exact)));
        foreach (var (w, o) in written.Features.Zip(online.Features).Where(p => p.First.Numeric is not null))
        {
            Assert.Equal(w.Numeric!.Mean!.Value, o.Numeric!.Mean!.Value, 1e-9);
            Assert.Equal(w.Numeric.StdDev!.Value, o.Numeric.StdDev!.Value, 1e-9);
        }
    }

    /// <summary>Every key of the project (entity hashes, view list, locks) with its content and expiry.</summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync(MaterializationHarness harness)
    {
        var database = redis.Connection.GetDatabase();
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in redis.Connection.GetServers().Single().KeysAsync(pattern: $"fs:{{{harness.Project}*"))
        {
            var fields = await database.HashGetAllAsync(key);
            var expiry = await database.ExecuteAsync("PEXPIRETIME", key);
            snapshot[Encoding.Latin1.GetString((byte[])key!)] = $"exp={(long)expiry} " +
                string.Join(" ", fields.OrderBy(f => (string)f.Name!, StringComparer.Ordinal).Select(f => $"{f.Name}={Convert.ToHexString((byte[])f.Value!)}"));
        }
        return snapshot;
    }

    private static SortedDictionary<string, string> Without(SortedDictionary<string, string> snapshot, string entitySet) =>
        new(snapshot.Where(kv => !kv.Key.Contains($"}}{entitySet}:", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => System.Text.RegularExpressions.Regex.Replace(kv.Value, @" customer_stats=\S+", "")), StringComparer.Ordinal);

    private async Task DeleteProjectAsync(string project)
    {
        var database = redis.Connection.GetDatabase();
        await foreach (var key in redis.Connection.GetServers().Single().KeysAsync(pattern: $"fs:{{{project}*"))
        {
            await database.KeyDeleteAsync(key);
        }
    }
}
