using FeatureStore.Core.Online;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace FeatureStore.Tests.Online;

/// <summary>
/// On a standalone Redis (no hash slots) a small batch, such as a 100-row push, takes one script call per
/// <see cref="RedisOnlineStoreOptions.KeysPerCall"/> keys instead of one per hash-slot bucket.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class OnlineWriterBatchingTests(RedisFixture redis)
{
    [Fact]
    public async Task A_hundred_keys_on_a_standalone_redis_take_two_calls_of_the_write_script()
    {
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject("batch"), OnlineTestDefinitions.DriverStats(TimeSpan.Zero));
        var store = new RedisOnlineStore(redis.Connection, new RedisOnlineStoreOptions { KeysPerCall = 64 });
        var server = redis.Connection.GetServers().Single();
        Assert.Equal(ServerType.Standalone, server.ServerType);
        await using var writer = await store.OpenViewWriterAsync(definitions, definitions.FeatureViews[0], 0);
        var before = await EvalShaCallsAsync(server);

        for (var driver = 0L; driver < 100; driver++)
        {
            await writer.WriteRowAsync([driver], [0.5f, driver], DateTimeOffset.UtcNow);
        }
        await writer.FlushAsync();

        Assert.Equal(100, writer.RowsWritten);
        Assert.Equal(2, await EvalShaCallsAsync(server) - before);
        var read = await store.ReadAsync(new OnlineReadRequest(definitions, definitions.ResolveReferences(["driver_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [0L, 63L, 64L, 99L] }, DateTimeOffset.UtcNow));
        Assert.Equal(new object?[] { 0L, 63L, 64L, 99L }, Enumerable.Range(0, 4).Select(row => read.Columns[0][row].Value));
    }

    private static async Task<long> EvalShaCallsAsync(IServer server)
    {
        var stats = await server.InfoAsync("commandstats");
        var line = stats.SelectMany(group => group).FirstOrDefault(kv => kv.Key == "cmdstat_evalsha").Value ?? "calls=0";
        return long.Parse(line.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
