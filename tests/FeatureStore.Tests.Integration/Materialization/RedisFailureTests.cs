using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// Redis failing in the middle of a run: bounded retries, then a clear error, no watermark; a rerun completes and
/// leaves exactly the state of a clean run.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisFailureTests(RedisFixture redis)
{
    private static readonly DateTime T = ConsistencyScenario.T;

    private static readonly FeatureViewDefinition View = new()
    {
        Name = "driver_stats", Entities = ["driver"], Source = "driver_stats_source", Ttl = TimeSpan.FromDays(2),
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
            new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) },
        ],
    };

    private static readonly SourceRow[] Rows = Enumerable.Range(0, 20_000)
        .Select(i => new SourceRow([(long)(i % 15_000)], T.AddSeconds(-i), i % 4 == 0 ? null : T.AddSeconds(-i + 3), [i / 7f, (long)i]))
        .ToArray();

    /// <summary>Runs the callback on the reporting thread, at the first report of rows confirmed by Redis.</summary>
    private sealed class OnFirstWrite(Action action) : IProgress<MaterializationProgress>
    {
        private int _fired;

        public void Report(MaterializationProgress value)
        {
            if (value.Phase == MaterializationPhase.Writing && value.RowsWritten > 0 && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                action();
            }
        }
    }

    [Theory]
    [InlineData("paused")]
    [InlineData("killed")]
    public async Task Redis_failure_mid_run_fails_clearly_and_a_rerun_yields_the_clean_state(string failure)
    {
        await using var server = await LocalRedisServer.StartAsync();
        var options = new RedisOnlineStoreOptions
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(500),
            CommandTimeout = TimeSpan.FromMilliseconds(500),
            WriteAttempts = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            KeysPerCall = 4,
            MaxCallsInFlight = 4,
        };
        await using var store = await RedisOnlineStore.ConnectAsync(server.ConnectionString, options);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true,abortConnect=false");

        await using var harness = new MaterializationHarness(store.Connection, storeOptions: options);
        harness.Options = new MaterializationOptions { ProgressInterval = TimeSpan.Zero, LockTtl = TimeSpan.FromSeconds(2) };
        await harness.AddViewAsync(View, ["FLOAT", "BIGINT"], Rows);
        var start = new DateTimeOffset(T.AddDays(-1));
        var end = new DateTimeOffset(T);

        var progress = new OnFirstWrite(() =>
        {
            if (failure == "paused")
            {
                admin.GetServers().Single().Execute("CLIENT", "PAUSE", "60000", "WRITE");
            }
            else
            {
                server.Stop();
            }
        });
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => harness.RunAsync(start, end, store: store, progress: progress));
        Assert.Contains("driver_stats", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.Null(harness.Registry.StateOf("driver_stats"));

        if (failure == "paused")
        {
            await admin.GetServers().Single().ExecuteAsync("CLIENT", "UNPAUSE");
            Assert.NotEqual("", await harness.SnapshotAsync()); // the failed run left part of its rows behind
        }
        else
        {
            await server.RestartAsync();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!store.Connection.IsConnected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        var rerun = (await harness.RunAsync(start, end, store: store, wait: true)).Single();
        Assert.Equal(15_000, rerun.RowsSelected);
        Assert.Equal(end, harness.Registry.StateOf("driver_stats")!.Watermark);
        await using var clean = new MaterializationHarness(redis.Connection, harness.Project);
        await clean.AddViewAsync(View, ["FLOAT", "BIGINT"], Rows);
        await clean.RunAsync(start, end);
        Assert.Equal(await clean.SnapshotAsync(), await harness.SnapshotAsync());
    }
}
