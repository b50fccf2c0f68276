using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Materialization;

public abstract class MaterializationEngineTests(IOnlineBackend backend)
{
    /// <summary>The cases against a real Redis.</summary>
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis) : MaterializationEngineTests(redis);

    /// <summary>The same cases against the embedded store (Garnet in-process).</summary>
    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store) : MaterializationEngineTests(store);

    private static readonly DateTime T = ConsistencyScenario.T;
    private static readonly DateTimeOffset TO = new(T);

    private static FeatureViewDefinition Driver(TimeSpan ttl, string name = "driver_stats", bool online = true) => new()
    {
        Name = name, Entities = ["driver"], Source = $"{name}_source", Ttl = ttl, Online = online,
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
            new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) },
        ],
    };

    private static SourceRow Row(long driver, DateTime e, long trips, DateTime? created = null) =>
        new([driver], e, created, [trips / 10f, trips]);

    private static async Task<MaterializationHarness> HarnessAsync(IConnectionMultiplexer connection, TimeSpan ttl, params SourceRow[] rows)
    {
        var harness = new MaterializationHarness(connection);
        await harness.AddViewAsync(Driver(ttl), ["FLOAT", "BIGINT"], rows);
        return harness;
    }

    private static async Task<object?> TripsAsync(MaterializationHarness harness, long driver, DateTimeOffset readTime) =>
        (await harness.ReadAsync(["driver_stats:trips"], readTime, ("driver_id", [driver]))).Columns[0][0].Value;

    [Fact]
    public async Task Rerunning_an_old_window_never_overwrites_a_newer_value()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero,
            Row(1, T.AddHours(-2), 10), Row(1, T.AddHours(-1), 20), Row(2, T.AddHours(-2), 30));
        await harness.RunAsync(TO.AddDays(-1), TO);
        Assert.Equal(20L, await TripsAsync(harness, 1, TO));

        var old = await harness.RunAsync(TO.AddDays(-1), TO.AddMinutes(-90));
        Assert.Equal(2, old.Single().RowsSelected);
        Assert.Equal(0, old.Single().RowsWritten); // driver 2's row is identical to the stored one, driver 1's is older
        Assert.Equal(20L, await TripsAsync(harness, 1, TO));
        Assert.Equal(TO, harness.Registry.StateOf("driver_stats")!.Watermark); // the watermark never moves back
    }

    [Fact]
    public async Task A_window_end_in_the_future_is_capped_at_the_time_of_the_run()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero,
            Row(1, T.AddHours(-1), 10), Row(1, T.AddHours(1), 20));
        harness.Time = new FixedTimeProvider(TO);

        var summary = (await harness.RunAsync(TO.AddDays(-1), TO.AddDays(30))).Single();

        Assert.Equal(TO, summary.End);
        Assert.Equal(TO, harness.Registry.StateOf("driver_stats")!.Watermark);
        Assert.Equal(10L, await TripsAsync(harness, 1, TO)); // the row dated after the run is not "as of now"
    }

    [Fact]
    public async Task A_watermark_left_in_the_future_does_not_stop_incremental_runs()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero,
            Row(1, T.AddHours(-3), 10), Row(1, T.AddHours(-1), 20));
        harness.Time = new FixedTimeProvider(TO);
        // An older version ran two hours ago with --end a month ahead.
        await harness.Registry.RecordMaterializationAsync(new Core.Registry.ViewMaterializationState(
            "driver_stats", TO.AddDays(30), TO.AddHours(-2), TO.AddDays(-1), TO.AddDays(30), 1, TimeSpan.FromSeconds(1)));

        var summary = (await harness.RunAsync(null, TO)).Single();

        Assert.Null(summary.SkippedReason);
        Assert.Equal(TO.AddHours(-2), summary.Start);
        Assert.Equal(20L, await TripsAsync(harness, 1, TO));
        Assert.Equal(TO, harness.Registry.StateOf("driver_stats")!.Watermark);
    }

    [Fact]
    public async Task Run_refused_for_a_view_a_newer_registry_version_owns_writes_none_of_its_views()
    {
        await using var harness = new MaterializationHarness(backend.Connection);
        await harness.AddViewAsync(Driver(TimeSpan.Zero, "a_stats"), ["FLOAT", "BIGINT"], [Row(1, T.AddHours(-1), 10)]);
        await harness.AddViewAsync(Driver(TimeSpan.Zero), ["FLOAT", "BIGINT"], [Row(1, T.AddHours(-1), 10)]);
        // Registry version 2 reordered driver_stats' features and recorded it (its run is about to write).
        var older = harness.Definitions;
        var reordered = harness.ViewOf("driver_stats") with { Features = [.. harness.ViewOf("driver_stats").Features.Reverse()] };
        var newer = older with { FeatureViews = [harness.ViewOf("a_stats"), reordered] };
        await (await harness.Store.OpenViewWriterAsync(newer, reordered, registryVersion: 2)).DisposeAsync();

        var refused = await Assert.ThrowsAsync<UserInputException>(() => harness.Engine().RunAsync(new MaterializationRequest
        {
            Definitions = older, RegistryVersion = 1, RepositoryRoot = harness.Root, Start = TO.AddDays(-1), End = TO,
        }));

        Assert.Contains("'driver_stats'", refused.Message);
        Assert.Equal("", await harness.SnapshotAsync()); // a_stats, listed first, was not written either
        Assert.Null(harness.Registry.StateOf("a_stats"));
    }

    [Fact]
    public async Task Latest_row_wins_across_the_files_of_a_folder_source()
    {
        await using var harness = new MaterializationHarness(backend.Connection);
        // Dealt round-robin over three files: every driver has rows in several files, the newest in any of them.
        var rows = Enumerable.Range(0, 60).Select(i => Row(i % 7, T.AddMinutes(-i), i, i % 2 == 0 ? T.AddMinutes(-i) : null)).ToArray();
        await harness.AddViewAsync(Driver(TimeSpan.Zero), ["FLOAT", "BIGINT"], rows, files: 3);
        var summary = (await harness.RunAsync(TO.AddDays(-1), TO)).Single();
        Assert.Equal(7, summary.RowsSelected);
        // The DuckDB part of the run is reported on its own and is part of the whole.
        Assert.InRange(summary.SelectionTime, TimeSpan.FromTicks(1), summary.Duration);
        for (var driver = 0L; driver < 7; driver++)
        {
            Assert.Equal(driver, await TripsAsync(harness, driver, TO)); // row i = driver is the newest of its key
        }
    }

    [Fact]
    public async Task Corrected_values_with_the_same_version_replace_the_stored_ones()
    {
        var rows = new[] { Row(1, T.AddHours(-2), 10, T.AddHours(-2)), Row(2, T.AddHours(-1), 20, T.AddHours(-1)) };
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero, rows);
        await harness.RunAsync(TO.AddDays(-1), TO);

        // The source is rewritten with driver 2's value corrected, same event and created timestamps.
        await harness.AddViewAsync(Driver(TimeSpan.Zero), ["FLOAT", "BIGINT"], [rows[0], Row(2, T.AddHours(-1), 25, T.AddHours(-1))]);
        var corrected = (await harness.RunAsync(TO.AddDays(-1), TO)).Single();

        Assert.Equal(1, corrected.RowsWritten);
        Assert.Equal(10L, await TripsAsync(harness, 1, TO));
        Assert.Equal(25L, await TripsAsync(harness, 2, TO));
    }

    [Fact]
    public async Task A_longer_ttl_extends_key_expiry_on_the_next_run_without_rewriting_values()
    {
        var rows = new[] { Row(1, T.AddHours(-2), 10), Row(2, T.AddHours(-1), 20) };
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.FromHours(3), rows);
        await harness.RunAsync(TO.AddDays(-1), TO);
        var before = Expiries(await harness.SnapshotAsync());

        await harness.AddViewAsync(Driver(TimeSpan.FromHours(30)), ["FLOAT", "BIGINT"], rows);
        var rerun = (await harness.RunAsync(TO.AddDays(-1), TO)).Single();

        Assert.Equal(0, rerun.RowsWritten);
        Assert.Equal(2, before.Length);
        Assert.Equal(before.Select(ms => ms + 27 * 3_600_000L), Expiries(await harness.SnapshotAsync()));
    }

    private static long[] Expiries(string snapshot) =>
        snapshot.Split('\n').Where(l => l.Contains(" exp=", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.IndexOf(" exp=", StringComparison.Ordinal) + 5)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    [Fact]
    public async Task Rerunning_the_same_window_leaves_identical_redis_state()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.FromHours(5),
            Enumerable.Range(0, 300).Select(i => Row(i % 70, T.AddMinutes(-i), i, i % 3 == 0 ? null : T.AddMinutes(-i + 1))).ToArray());
        await harness.RunAsync(TO.AddDays(-1), TO);
        var first = await harness.SnapshotAsync();
        var rerun = (await harness.RunAsync(TO.AddDays(-1), TO)).Single();
        var second = await harness.SnapshotAsync();
        Assert.Equal(70, rerun.RowsSelected);
        Assert.Equal(0, rerun.RowsWritten); // identical values are not written again
        Assert.Contains("exp=", first);
        Assert.Equal(70, first.Split('\n').Count(l => l.Contains("exp=")));
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Incremental_runs_start_at_the_watermark_and_advance_it()
    {
        var ttl = TimeSpan.FromHours(3);
        await using var harness = await HarnessAsync(backend.Connection, ttl,
            Row(1, T.AddHours(-10), 1),   // older than end - ttl of the first run: never materialized
            Row(1, T.AddHours(-5), 2),
            Row(2, T.AddHours(-3), 3),
            Row(1, T.AddHours(-1), 4),
            Row(3, T.AddMinutes(-30), 5));
        var first = (await harness.RunAsync(null, TO.AddHours(-4))).Single();
        Assert.Equal(TO.AddHours(-7), first.Start);
        Assert.Equal(1, first.RowsSelected);
        Assert.Equal(TO.AddHours(-4), harness.Registry.StateOf("driver_stats")!.Watermark);

        var second = (await harness.RunAsync(null, TO.AddHours(-2))).Single();
        Assert.Equal(TO.AddHours(-4), second.Start);
        Assert.Equal(1, second.RowsSelected);
        Assert.Equal(3L, await TripsAsync(harness, 2, TO.AddHours(-2)));

        var third = (await harness.RunAsync(null, TO)).Single();
        Assert.Equal(TO.AddHours(-2), third.Start);
        Assert.Equal(2, third.RowsSelected);
        var state = harness.Registry.StateOf("driver_stats")!;
        Assert.Equal(TO, state.Watermark);
        Assert.Equal(TO.AddHours(-2), state.LastRunStart);
        Assert.Equal(TO, state.LastRunEnd);
        Assert.Equal(2, state.RowsWritten);
        Assert.Equal(4L, await TripsAsync(harness, 1, TO));
        Assert.Equal(5L, await TripsAsync(harness, 3, TO));

        var again = (await harness.RunAsync(null, TO)).Single();
        Assert.NotNull(again.SkippedReason);
    }

    [Fact]
    public async Task Ttl_sets_key_expiry_and_reads_past_it_are_outside_max_age()
    {
        var ttl = TimeSpan.FromHours(2);
        await using var harness = await HarnessAsync(backend.Connection, ttl, Row(1, T.AddMinutes(-30), 7));
        await harness.RunAsync(TO.AddDays(-1), TO);

        var layout = new OnlineKeyLayout(harness.Project);
        var server = backend.Connection.GetServers().Single();
        var key = await server.KeysAsync(pattern: layout.EntityKeyPattern).SingleAsync();
        var expiry = (long)await backend.Connection.GetDatabase().ExecuteAsync("PEXPIRETIME", key);
        Assert.Equal(TO.AddMinutes(-30).Add(ttl).ToUnixTimeMilliseconds(), expiry);

        var inside = await harness.ReadAsync(["driver_stats:trips"], TO.AddMinutes(90), ("driver_id", [1L]));
        Assert.Equal(FeatureStatus.Present, inside.Columns[0][0].Status);
        var outside = await harness.ReadAsync(["driver_stats:trips"], TO.AddMinutes(91), ("driver_id", [1L]));
        Assert.Equal(FeatureStatus.OutsideMaxAge, outside.Columns[0][0].Status);
        Assert.Null(outside.Columns[0][0].Value);
    }

    [Fact]
    public async Task Removed_view_data_is_deleted_by_the_next_materialization_and_never_served()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero, Row(1, T.AddHours(-1), 1));
        await harness.AddViewAsync(Driver(TimeSpan.Zero, "driver_old"), ["FLOAT", "BIGINT"], [Row(1, T.AddHours(-1), 2), Row(9, T, 3)]);
        await harness.RunAsync(TO.AddDays(-1), TO);
        Assert.Equal(2, (await harness.SnapshotAsync()).Split('\n').Count(l => l.Contains("exp=")));

        var before = harness.Definitions;
        harness.RemoveView("driver_old");
        await Assert.ThrowsAsync<NotFoundException>(() => harness.ReadAsync(["driver_old:trips"], TO, ("driver_id", [1L])));

        await harness.RunAsync(TO.AddDays(-1), TO);
        var snapshot = await harness.SnapshotAsync();
        Assert.DoesNotContain("driver_old", snapshot);
        Assert.Equal(1, snapshot.Split('\n').Count(l => l.Contains("exp="))); // driver 9 held only the removed view
        Assert.Equal(1L, await TripsAsync(harness, 1, TO));

        // Even a reader still holding the old definitions finds nothing of the removed view.
        var stale = await harness.Store.ReadAsync(new OnlineReadRequest(before, before.ResolveReferences(["driver_old:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L] }, TO));
        Assert.Equal(FeatureStatus.NotFound, stale.Columns[0][0].Status);
    }

    [Fact]
    public async Task Second_materialization_of_a_locked_view_refuses_and_writes_nothing()
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero, Row(1, T, 1));
        var lockKey = new OnlineKeyLayout(harness.Project).LockKey("driver_stats");
        var db = backend.Connection.GetDatabase();
        await db.StringSetAsync(lockKey, "someone-else", TimeSpan.FromSeconds(30));

        var refused = await Assert.ThrowsAsync<MaterializationInProgressException>(() => harness.RunAsync(TO.AddDays(-1), TO));
        Assert.Contains("driver_stats", refused.Message);
        Assert.Equal("", await harness.SnapshotAsync());
        Assert.Null(harness.Registry.StateOf("driver_stats"));

        // With --wait it proceeds once the other run lets go.
        var waiting = harness.RunAsync(TO.AddDays(-1), TO, wait: true);
        await Task.Delay(700);
        Assert.False(waiting.IsCompleted);
        await db.KeyDeleteAsync(lockKey);
        var summary = (await waiting.WaitAsync(TimeSpan.FromSeconds(20))).Single();
        Assert.Equal(1, summary.RowsSelected);
        Assert.False(await db.KeyExistsAsync(lockKey)); // released after the run
    }

    [Theory]
    [InlineData("end-before-start")]
    [InlineData("unknown-view")]
    [InlineData("offline-view")]
    [InlineData("missing-file")]
    [InlineData("missing-column")]
    public async Task Bad_input_is_a_clear_error_and_writes_nothing(string problem)
    {
        await using var harness = await HarnessAsync(backend.Connection, TimeSpan.Zero, Row(1, T, 1));
        await harness.AddViewAsync(Driver(TimeSpan.Zero, "offline_stats", online: false), ["FLOAT", "BIGINT"], [Row(1, T, 1)]);
        await harness.AddViewAsync(Driver(TimeSpan.Zero, "other_stats"), ["FLOAT", "BIGINT"], [Row(1, T, 1)]);
        var views = new[] { "driver_stats", "other_stats" };
        switch (problem)
        {
            case "missing-file":
                File.Delete(Path.Combine(harness.Root, "data", "other_stats.parquet"));
                break;
            case "missing-column":
                await TestParquet.WriteAsync(Path.Combine(harness.Root, "data", "other_stats.parquet"),
                    new TestColumn("driver_id", "BIGINT", [1L]), new TestColumn("event_timestamp", "TIMESTAMP", [T]),
                    new TestColumn("created", "TIMESTAMP", [T]), new TestColumn("conv_rate", "FLOAT", [1f]));
                break;
        }

        var error = await Assert.ThrowsAnyAsync<UserInputException>(() => problem switch
        {
            "end-before-start" => harness.RunAsync(TO, TO.AddSeconds(-1)),
            "unknown-view" => harness.RunAsync(TO.AddDays(-1), TO, ["driver_stats", "no_such_view"]),
            "offline-view" => harness.RunAsync(TO.AddDays(-1), TO, ["driver_stats", "offline_stats"]),
            _ => harness.RunAsync(TO.AddDays(-1), TO, views),
        });

        Assert.Contains(problem switch
        {
            "end-before-start" => "before its start",
            "unknown-view" => "no_such_view",
            "offline-view" => "offline_stats",
            "missing-column" => "trips",
            _ => "other_stats",
        }, error.Message);
        Assert.Equal("", await harness.SnapshotAsync());
        Assert.Null(harness.Registry.StateOf("driver_stats"));
    }

    [Theory]
    [InlineData("2024-05-01T00:00:00Z", "2024-05-01T00:00:00.0000000+00:00")]
    [InlineData("2024-05-01T02:00:00+02:00", "2024-05-01T00:00:00.0000000+00:00")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00.0000000+00:00")]
    [InlineData("now", "2030-01-02T03:04:05.1234560+00:00")]
    public void Times_parse_as_iso_8601_or_now(string text, string expected)
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);
        Assert.Equal(expected, MaterializationTime.Parse(text, "--end", now).ToString("O"));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2024-13-01")]
    [InlineData("12")]
    public void Unparsable_time_names_the_option(string text)
    {
        var error = Assert.Throws<UserInputException>(() => MaterializationTime.Parse(text, "--start", DateTimeOffset.UtcNow));
        Assert.Contains("--start", error.Message);
        Assert.Contains(text, error.Message);
    }
}
