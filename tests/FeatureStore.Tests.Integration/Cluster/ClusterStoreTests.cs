using System.Globalization;
using System.Net;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;
using StackExchange.Redis;

namespace FeatureStore.Tests.Cluster;

/// <summary>
/// The online store on a Redis Cluster of 3 primaries: keys spread over every shard, lookups fan out, writes never
/// go back in time, incremental runs, stale-view cleanup on every primary, a pipeline per primary, and a
/// materialization that runs while slots migrate. (Push is tested where its API lives.)
/// </summary>
[Collection(RedisClusterCollection.Name), Trait(RedisClusterCollection.Trait, RedisClusterCollection.TraitValue)]
public sealed partial class ClusterStoreTests(RedisClusterFixture cluster)
{
    private static readonly DateTime T = ConsistencyScenario.T;
    private static readonly DateTimeOffset TO = new(T);

    private static FeatureViewDefinition Driver(TimeSpan ttl, string name = "driver_stats") => new()
    {
        Name = name, Entities = ["driver"], Source = $"{name}_source", Ttl = ttl,
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
            new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) },
        ],
    };

    private static SourceRow Row(long driver, DateTime e, long trips) => new([driver], e, null, [trips / 10f, trips]);

    private static IEnumerable<SourceRow> Rows(int drivers, DateTime e, long offset) =>
        Enumerable.Range(1, drivers).Select(i => Row(i, e, i + offset));

    private static async Task<MaterializationHarness> HarnessAsync(
        IConnectionMultiplexer connection, TimeSpan ttl, IEnumerable<SourceRow> rows, RedisOnlineStoreOptions? options = null, string? project = null)
    {
        var harness = new MaterializationHarness(connection, project, options);
        await harness.AddViewAsync(Driver(ttl), ["FLOAT", "BIGINT"], rows.ToArray());
        return harness;
    }

    private static async Task<long?[]> TripsAsync(MaterializationHarness harness, int drivers, DateTimeOffset readTime)
    {
        var ids = Enumerable.Range(1, drivers).Select(i => (object?)(long)i).ToArray();
        var read = await harness.ReadAsync(["driver_stats:trips"], readTime, ("driver_id", ids));
        return read.Columns[0].Select(v => (long?)v.Value).ToArray();
    }

    /// <summary>The key of a driver of <paramref name="project"/>'s driver views.</summary>
    private static RedisKey Key(string project, long driver)
    {
        var definitions = new DefinitionSet
        {
            Project = project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            FeatureViews = [Driver(TimeSpan.Zero)],
        };
        var keys = new OnlineKeyLayout(project).ForView(definitions, definitions.FeatureViews[0]);
        var writer = new EntityKeyWriter();
        writer.AppendInt64(driver);
        return keys.BuildKey(writer.Written);
    }

    /// <summary>The project's keys on each primary, by endpoint.</summary>
    private async Task<Dictionary<string, List<RedisKey>>> KeysByPrimaryAsync(string project)
    {
        var result = new Dictionary<string, List<RedisKey>>(StringComparer.Ordinal);
        foreach (var server in await RedisClusterFixture.PrimaryServersAsync(cluster.Connection, project))
        {
            var keys = result[server.EndPoint.ToString()!] = [];
            await foreach (var key in server.KeysAsync(pattern: new OnlineKeyLayout(project).EntityKeyPattern))
            {
                keys.Add(key);
            }
        }
        return result;
    }

    [Fact]
    public async Task A_lookup_of_100_entities_spread_over_every_shard_returns_every_value()
    {
        await using var harness = await HarnessAsync(cluster.Connection, TimeSpan.Zero, Rows(100, T.AddHours(-1), 1000));
        await harness.RunAsync(TO.AddDays(-1), TO);

        var byPrimary = await KeysByPrimaryAsync(harness.Project);
        Assert.True(byPrimary.Count >= 3, $"{byPrimary.Count} primaries");
        Assert.All(byPrimary, p => Assert.NotEmpty(p.Value));
        Assert.Equal(100, byPrimary.Values.Sum(k => k.Count));
        var owners = Enumerable.Range(1, 100).Select(i => cluster.Connection.GetServer(Key(harness.Project, i)).EndPoint).Distinct().Count();
        Assert.Equal(byPrimary.Count, owners);

        var read = await harness.ReadAsync(["driver_stats:conv_rate", "driver_stats:trips"], TO,
            ("driver_id", Enumerable.Range(1, 100).Select(i => (object?)(long)i).ToArray()));
        for (var row = 0; row < 100; row++)
        {
            Assert.Equal(FeatureStatus.Present, read.Columns[1][row].Status);
            Assert.Equal(row + 1 + 1000L, read.Columns[1][row].Value);
            Assert.Equal((row + 1 + 1000) / 10f, read.Columns[0][row].Value);
        }
    }

    [Fact]
    public async Task Rerunning_an_old_window_never_overwrites_newer_values_on_any_shard()
    {
        await using var harness = await HarnessAsync(cluster.Connection, TimeSpan.Zero,
            Rows(300, T.AddHours(-2), 0).Concat(Rows(300, T.AddHours(-1), 5000)));
        await harness.RunAsync(TO.AddDays(-1), TO);
        var before = await harness.SnapshotAsync();

        var old = (await harness.RunAsync(TO.AddDays(-1), TO.AddMinutes(-90))).Single();

        Assert.Equal(300, old.RowsSelected);
        Assert.Equal(0, old.RowsWritten);
        Assert.Equal(before, await harness.SnapshotAsync());
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long?)(i + 5000)), await TripsAsync(harness, 300, TO));
    }

    [Fact]
    public async Task Incremental_runs_advance_the_watermark_and_write_every_shard()
    {
        var ttl = TimeSpan.FromHours(6);
        await using var harness = await HarnessAsync(cluster.Connection, ttl,
            Rows(200, T.AddHours(-5), 0).Concat(Rows(200, T.AddHours(-3), 1000)).Concat(Rows(200, T.AddHours(-1), 2000)));

        var first = (await harness.RunAsync(null, TO.AddHours(-4))).Single();
        Assert.Equal(TO.AddHours(-10), first.Start);
        Assert.Equal(200, first.RowsWritten);
        var second = (await harness.RunAsync(null, TO.AddHours(-2))).Single();
        Assert.Equal(TO.AddHours(-4), second.Start);
        Assert.Equal(200, second.RowsWritten);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long?)(i + 1000)), await TripsAsync(harness, 200, TO.AddHours(-2)));
        var third = (await harness.RunAsync(null, TO)).Single();
        Assert.Equal(TO.AddHours(-2), third.Start);
        Assert.Equal(200, third.RowsWritten);

        Assert.Equal(TO, harness.Registry.StateOf("driver_stats")!.Watermark);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long?)(i + 2000)), await TripsAsync(harness, 200, TO));
        Assert.All(await KeysByPrimaryAsync(harness.Project), p => Assert.NotEmpty(p.Value));
        Assert.NotNull((await harness.RunAsync(null, TO)).Single().SkippedReason);
    }

    [Fact]
    public async Task Stale_view_cleanup_removes_the_view_from_every_primary()
    {
        await using var harness = await HarnessAsync(cluster.Connection, TimeSpan.Zero, Rows(300, T.AddHours(-1), 0));
        // driver_old also holds 60 drivers no other view has: their hashes hold only it.
        await harness.AddViewAsync(Driver(TimeSpan.Zero, "driver_old"), ["FLOAT", "BIGINT"], Rows(360, T.AddHours(-1), 7).ToArray());
        await harness.RunAsync(TO.AddDays(-1), TO);
        var database = cluster.Connection.GetDatabase();
        var before = await KeysByPrimaryAsync(harness.Project);
        Assert.Equal(360, before.Values.Sum(k => k.Count));
        foreach (var (primary, keys) in before)
        {
            Assert.True(keys.Count > 0, $"no key on {primary}");
            Assert.True(await database.HashExistsAsync(keys[0], "driver_old"), $"driver_old missing on {primary}");
        }

        harness.RemoveView("driver_old");
        await harness.RunAsync(TO.AddDays(-1), TO);

        var after = await KeysByPrimaryAsync(harness.Project);
        Assert.Equal(300, after.Values.Sum(k => k.Count));
        foreach (var (primary, keys) in after)
        {
            Assert.True(keys.Count > 0, $"no key left on {primary}");
            foreach (var key in keys)
            {
                Assert.Equal(["driver_stats"], (await database.HashKeysAsync(key)).Select(f => (string)f!));
            }
        }
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long?)i), await TripsAsync(harness, 300, TO));
    }

    [Fact]
    public async Task A_shard_that_does_not_answer_holds_back_only_its_own_writes()
    {
        var project = RedisFixture.UniqueProject("slow");
        var view = Driver(TimeSpan.Zero);
        var definitions = new DefinitionSet
        {
            Project = project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            Sources = [new SourceDefinition { Name = "driver_stats_source", Path = "data/d.parquet", TimestampField = "event_timestamp" }],
            FeatureViews = [view],
        };
        // One key per call and a pipeline of 4 per primary: one call that the paused shard holds fills no lane but
        // its own, so the writes to the other shards go on.
        // The writer's own connection: commands on one connection run in order, so the paused shard would also hold
        // back the test's CLIENT UNPAUSE if it were sent behind the writer's calls.
        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString);
        var store = new RedisOnlineStore(connection, new RedisOnlineStoreOptions
        {
            KeysPerCall = 1, MaxCallsInFlight = 4, CommandTimeout = TimeSpan.FromSeconds(60),
        });
        var paused = cluster.Connection.GetServer(Key(project, 1));
        var others = Enumerable.Range(2, 400).Select(i => (long)i)
            .Where(d => !Equals(cluster.Connection.GetServer(Key(project, d)).EndPoint, paused.EndPoint)).Take(60).ToArray();
        await using var writer = await store.OpenViewWriterAsync(definitions, view);
        var database = cluster.Connection.GetDatabase();

        await paused.ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        try
        {
            var writes = Task.Run(async () =>
            {
                await writer.WriteRowAsync([1L], [0.1f, 1L], TO);
                foreach (var driver in others)
                {
                    await writer.WriteRowAsync([driver], [0.1f, driver], TO);
                }
            });
            var finished = await Task.WhenAny(writes, Task.Delay(TimeSpan.FromSeconds(30))) == writes;

            Assert.True(finished, "The writes to the other shards waited for the paused one.");
            await writes;
            // The last calls of each lane may still be in flight; they land while the paused shard still holds its own.
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            while ((await Task.WhenAll(others.Select(d => database.HashExistsAsync(Key(project, d), "driver_stats")))).Contains(false))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "Writes to the other shards did not land.");
                await Task.Delay(50);
            }
            Assert.False(await database.HashExistsAsync(Key(project, 1), "driver_stats"));
        }
        finally
        {
            await paused.ExecuteAsync("CLIENT", "UNPAUSE");
        }
        await writer.FlushAsync();
        Assert.True(await database.HashExistsAsync(Key(project, 1), "driver_stats"));
        Assert.Equal(others.Length + 1, writer.RowsConfirmed);
    }

    [Fact]
    public async Task Materialization_while_slots_migrate_follows_the_redirections_and_ends_as_on_a_single_node()
    {
        var project = RedisFixture.UniqueProject("reshard");
        var rows = Rows(1500, T.AddHours(-2), 0).Concat(Rows(1500, T.AddHours(-1), 10_000)).ToArray();
        // Retries outlast the slot that is finished mid-run (TRYAGAIN until its last keys moved).
        var options = new RedisOnlineStoreOptions { WriteAttempts = 8 };
        await using var harness = await HarnessAsync(cluster.Connection, TimeSpan.Zero, rows, options, project);
        await harness.RunAsync(TO.AddDays(-1), TO.AddMinutes(-90));

        // Move some of the project's slots from one primary to another: most with all their keys moved but the
        // migration not finished (the source answers ASK), one with half its keys moved (TRYAGAIN) that finishes
        // while the run writes; then every slot is handed over for good (MOVED for clients that still route there).
        var primaries = await RedisClusterFixture.PrimaryServersAsync(cluster.Connection, project);
        var source = primaries[0];
        var target = primaries[1];
        var slots = Enumerable.Range(1, 1500).Select(i => Key(project, i))
            .Where(k => Equals(cluster.Connection.GetServer(k).EndPoint, source.EndPoint))
            .Select(k => cluster.Connection.HashSlot(k)).Distinct().Take(12).ToArray();
        Assert.Equal(12, slots.Length);
        var sourceId = (string)(await source.ExecuteAsync("CLUSTER", "MYID"))!;
        var targetId = (string)(await target.ExecuteAsync("CLUSTER", "MYID"))!;
        var asksBefore = await ErrorCountAsync(source, "ASK");
        foreach (var slot in slots)
        {
            await target.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
            await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
            await MigrateKeysAsync(source, target, slot, slot == slots[0] ? 0.5 : 1.0);
        }

        var run = harness.RunAsync(TO.AddDays(-1), TO);
        await Task.Delay(300);
        await MigrateKeysAsync(source, target, slots[0], 1.0);
        var summary = (await run).Single();
        foreach (var slot in slots)
        {
            // The target first, then the source, then the others, as Redis's resharding guide does.
            foreach (var server in primaries.OrderBy(p => p == target ? 0 : p == source ? 1 : 2))
            {
                await server.ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId);
            }
        }

        Assert.Equal(1500, summary.RowsWritten);
        Assert.True(await ErrorCountAsync(source, "ASK") > asksBefore, "the run was never redirected with ASK");
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => (long?)(i + 10_000)), await TripsAsync(harness, 1500, TO));

        await using var single = await LocalRedisServer.StartAsync();
        await using var singleConnection = await ConnectionMultiplexer.ConnectAsync(single.ConnectionString);
        await using var reference = await HarnessAsync(singleConnection, TimeSpan.Zero, rows, project: project);
        await reference.RunAsync(TO.AddDays(-1), TO.AddMinutes(-90));
        await reference.RunAsync(TO.AddDays(-1), TO);
        // MIGRATE carries a key's expiry as time to live in ms and the target adds it to its clock: expiries of moved
        // keys may differ by a millisecond or so, so expiries compare to the second, values byte by byte.
        Assert.Equal(ToTheSecond(await reference.SnapshotAsync()), ToTheSecond(await harness.SnapshotAsync()));
    }

    private static string ToTheSecond(string snapshot) => ExpiryMillis().Replace(snapshot, m =>
        " exp=" + Math.Round(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1000.0).ToString(CultureInfo.InvariantCulture));

    [System.Text.RegularExpressions.GeneratedRegex(" exp=(-?[0-9]+)")]
    private static partial System.Text.RegularExpressions.Regex ExpiryMillis();

    /// <summary>Moves <paramref name="fraction"/> of the keys a slot still has on <paramref name="source"/> to <paramref name="target"/>.</summary>
    private static async Task MigrateKeysAsync(IServer source, IServer target, int slot, double fraction)
    {
        var keys = (RedisResult[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 10_000))!;
        var moving = keys.Take((int)Math.Ceiling(keys.Length * fraction)).Select(k => (object)(RedisKey)k).ToArray();
        if (moving.Length == 0)
        {
            return;
        }
        var to = (IPEndPoint)target.EndPoint;
        object[] arguments = [to.Address.ToString(), to.Port, "", 0, 5000, "KEYS", .. moving];
        await source.ExecuteAsync("MIGRATE", arguments);
    }

    /// <summary>How often a node answered with an error of this kind (INFO errorstats).</summary>
    private static async Task<long> ErrorCountAsync(IServer server, string kind)
    {
        var info = await server.InfoAsync("errorstats");
        var line = info.SelectMany(g => g).FirstOrDefault(p => p.Key == $"errorstat_{kind}").Value;
        return line is null ? 0 : long.Parse(line.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
    }
}
