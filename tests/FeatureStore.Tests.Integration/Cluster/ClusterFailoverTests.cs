using System.Diagnostics;
using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Redis;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;
using FeatureStore.Tests.Server;
using Grpc.Core;
using StackExchange.Redis;

namespace FeatureStore.Tests.Cluster;

/// <summary>
/// A primary of a Redis Cluster dies while the real server serves: lookups of keys on the other shards keep
/// succeeding, lookups on the failed shard are UNAVAILABLE within the store timeout until its replica takes over and
/// then succeed, and a rerun of <c>materialize</c> leaves exactly the state a clean run on a single Redis leaves.
/// The test kills a node, so it runs on a local cluster of its own (redis-server on PATH), whatever
/// <c>FEATURESTORE_TEST_REDIS_CLUSTER</c> says.
/// </summary>
[Collection(RedisClusterCollection.Name), Trait(RedisClusterCollection.Trait, RedisClusterCollection.TraitValue)]
public sealed class ClusterFailoverTests : IDisposable
{
    private const int Drivers = 300;

    /// <summary>UNAVAILABLE must come within the store timeout (1 s here) plus scheduling slack.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>The CLI caps windows at now: the data lies in the hours before the start of this hour.</summary>
    private static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-failover-").FullName;
    private readonly string _project = RedisFixture.UniqueProject("failover");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_failed_primary_makes_only_its_shard_unavailable_until_its_replica_takes_over_and_a_rerun_restores_every_value()
    {
        // A short node timeout: the replica takes over about two seconds after the primary dies.
        await using var cluster = await LocalRedisCluster.StartAsync(primaries: 3, replicasPerPrimary: 1, nodeTimeout: TimeSpan.FromSeconds(2));
        await WriteRepositoryAsync(cluster.ConnectionString);
        string[] window = ["--start", Iso(T.AddDays(-1)), "--end", Iso(T)];
        var first = await CliRunner.RunAsync(["materialize", "--repo", _root, .. window]);
        Assert.True(first.ExitCode == 0, first.Error);

        await using var admin = await ConnectionMultiplexer.ConnectAsync(cluster.ConnectionString + ",allowAdmin=true");
        var victim = (System.Net.IPEndPoint)admin.GetServer(Key(1)).EndPoint;
        var onVictim = Enumerable.Range(1, Drivers).Where(d => Equals(admin.GetServer(Key(d)).EndPoint, victim)).ToArray();
        var elsewhere = Enumerable.Range(1, Drivers).Except(onVictim).ToArray();
        var replica = await ReplicaOfAsync(victim.Port);
        await WaitUntilReplicatedAsync(victim.Port);

        await using var server = await ServingServer.StartAsync([
            "--repo", _root, "--redis", cluster.ConnectionString, "--http-port", "0", "--grpc-port", "0",
            "--store-timeout-ms", "1000", "--registry-poll-ms", "200",
        ]);
        Assert.Equal(Trips(onVictim[0]), await TripsAsync(server, onVictim[0]));
        Assert.Equal(Trips(elsewhere[0]), await TripsAsync(server, elsewhere[0]));

        cluster.Node(victim.Port).Stop();

        var unavailable = 0;
        var promotion = Stopwatch.StartNew();
        for (var i = 0; !await IsPrimaryAsync(replica); i++)
        {
            Assert.True(promotion.Elapsed < TimeSpan.FromSeconds(60), "The replica was not promoted within 60 s.");
            var other = elsewhere[i % elsewhere.Length];
            Assert.Equal(Trips(other), await TripsAsync(server, other));
            var clock = Stopwatch.StartNew();
            try
            {
                await TripsAsync(server, onVictim[i % onVictim.Length]);
            }
            catch (RpcException ex)
            {
                Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
                Assert.True(clock.Elapsed < Bound, $"UNAVAILABLE took {clock.Elapsed}");
                unavailable++;
            }
            await Task.Delay(100);
        }
        Assert.True(unavailable > 0, "No lookup on the failed shard failed before its replica took over.");

        // The promoted replica serves the failed shard's keys once the server's client learns the new topology.
        await EventuallyAsync(async () =>
        {
            try
            {
                return await TripsAsync(server, onVictim[0]) is not null;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                return false;
            }
        }, "a lookup on the failed shard to succeed after the failover");
        Assert.Equal(Trips(elsewhere[^1]), await TripsAsync(server, elsewhere[^1]));

        var rerun = await CliRunner.RunAsync(["materialize", "--repo", _root, .. window]);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        await using var single = await LocalRedisServer.StartAsync();
        var clean = await CliRunner.RunAsync(["materialize", "--repo", _root, "--redis", single.ConnectionString, .. window]);
        Assert.True(clean.ExitCode == 0, clean.Error);
        await using var singleConnection = await ConnectionMultiplexer.ConnectAsync(single.ConnectionString);
        var expected = await MaterializationHarness.SnapshotAsync(singleConnection, _project);
        Assert.Equal(Drivers, expected.Split('\n').Count(l => l.Contains(" exp=", StringComparison.Ordinal)));
        // The test's own connection learns of the promoted replica on its next topology refresh: ask for one.
        await EventuallyAsync(async () =>
        {
            await admin.ConfigureAsync();
            try
            {
                await MaterializationHarness.SnapshotAsync(admin, _project);
                return true;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
        }, "the test's connection to see the promoted replica");
        Assert.Equal(expected, await MaterializationHarness.SnapshotAsync(admin, _project));
        foreach (var driver in new[] { onVictim[0], onVictim[^1], elsewhere[0] })
        {
            Assert.Equal(Trips(driver), await TripsAsync(server, driver));
        }
    }

    private static long Trips(int driver) => driver + 1000L;

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<long?> TripsAsync(ServingServer server, int driver) =>
        (long?)(await server.Client.GetOnlineFeaturesAsync(["driver_hourly_stats:trips"], ServingTestData.Drivers(driver)))["trips", 0];

    private RedisKey Key(int driver)
    {
        var definitions = new DefinitionSet
        {
            Project = _project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "driver_hourly_stats", Entities = ["driver"], Source = "s",
                    Features = [new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) }],
                },
            ],
        };
        var writer = new EntityKeyWriter();
        writer.AppendInt64(driver);
        return new OnlineKeyLayout(_project).ForView(definitions, definitions.FeatureViews[0]).BuildKey(writer.Written);
    }

    /// <summary>The port of the replica of the primary on <paramref name="primaryPort"/>.</summary>
    private static async Task<int> ReplicaOfAsync(int primaryPort)
    {
        var id = (await LocalRedisCluster.CliAsync(primaryPort, "cluster", "myid")).Trim();
        var line = (await LocalRedisCluster.CliAsync(primaryPort, "cluster", "nodes")).Split('\n').Single(l => l.Contains($"slave {id}", StringComparison.Ordinal));
        var address = line.Split(' ')[1];
        return int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@')], CultureInfo.InvariantCulture);
    }

    private static async Task<bool> IsPrimaryAsync(int port) =>
        (await LocalRedisCluster.CliAsync(port, "role")).StartsWith("master", StringComparison.Ordinal);

    /// <summary>Waits until the primary's replica has every write (so the promoted replica serves the same values).</summary>
    private static async Task WaitUntilReplicatedAsync(int primaryPort)
    {
        await EventuallyAsync(async () =>
        {
            var info = await LocalRedisCluster.CliAsync(primaryPort, "info", "replication");
            var offset = Field(info, "master_repl_offset");
            var replica = info.Split('\n').FirstOrDefault(l => l.StartsWith("slave0:", StringComparison.Ordinal)) ?? "";
            return offset is not null && replica.Contains($"offset={offset},", StringComparison.Ordinal);
        }, "the replica to catch up");
    }

    private static string? Field(string info, string name) =>
        info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private async Task WriteRepositoryAsync(string redis)
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"""
            project: {_project}
            online_store:
              type: redis
              connection_string: "{redis}"
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "driver.yaml"), """
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 1d
                features:
                  - {name: conv_rate, type: float32}
                  - {name: trips, type: int64}
            """);
        var drivers = Enumerable.Range(1, Drivers).Select(d => (long)d).ToArray();
        var older = drivers.Select(d => (Driver: d, At: T.AddHours(-3), Trips: d));
        var newer = drivers.Select(d => (Driver: d, At: T.AddHours(-1), Trips: Trips((int)d)));
        var rows = older.Concat(newer).ToArray();
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", rows.Select(r => (object?)r.Driver).ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", rows.Select(r => (object?)r.At).ToArray()),
            new TestColumn("conv_rate", "FLOAT", rows.Select(r => (object?)(r.Trips / 10f)).ToArray()),
            new TestColumn("trips", "BIGINT", rows.Select(r => (object?)r.Trips).ToArray()));
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }
}
