using System.Net;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Ingestion;

/// <summary>
/// Pushes and a materialization of the same keys running at the same time: whatever the interleaving, every key ends
/// with its newest version, because both write through the same compare-and-set.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class PushRaceTests(RedisFixture redis)
{
    private const int Drivers = 3000;

    [Fact]
    public async Task Pushes_racing_a_materialization_of_the_same_keys_leave_the_newest_version_of_each()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        var t0 = PushRepository.T0;
        var ids = Enumerable.Range(0, Drivers).Select(i => 10_000L + i).ToArray();
        // The batch holds every driver at t0; even drivers get a newer push (t0 + 1h), odd ones an older one (t0 - 1h).
        await Infrastructure.TestParquet.WriteAsync(Path.Combine(repo.DataFolder, "part-1.parquet"),
            new TestColumn("driver_id", "BIGINT", ids.Cast<object?>().ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", ids.Select(_ => (object?)t0.UtcDateTime).ToArray()),
            new TestColumn("created", "TIMESTAMP", ids.Select(_ => (object?)t0.UtcDateTime).ToArray()),
            new TestColumn("conv", "FLOAT", ids.Select(_ => (object?)1.0f).ToArray()),
            new TestColumn("acc_rate", "DOUBLE", ids.Select(_ => (object?)1.0).ToArray()),
            new TestColumn("avg_daily_trips", "INTEGER", ids.Select(_ => (object?)1).ToArray()),
            new TestColumn("trip_ratios", "DOUBLE[]", ids.Select(_ => (object?)new[] { 1.0 }).ToArray()));

        var materialize = Task.Run(() => repo.MaterializeAsync(t0.AddDays(-1), t0.AddMinutes(30)));
        var pushes = ids.Chunk(100).Select(chunk => Task.Run(async () =>
        {
            var rows = chunk.Select(id => (id, id % 2 == 0 ? t0.AddHours(1) : t0.AddHours(-1), id % 2 == 0 ? 2.0 : 3.0)).ToArray();
            var (status, body) = await repo.PostAsync("/push", PushRepository.Body("online", rows));
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        })).ToArray();
        await Task.WhenAll([materialize, .. pushes]);

        var online = await repo.ReadOnlineAsync(ids);
        var expected = ids.Select(id => id % 2 == 0 ? 2.0 : 1.0).ToArray();
        Assert.Equal(expected, online["conv_rate"].Select(v => v.GetDouble()));
        Assert.Equal(expected.Select(e => e == 2.0 ? 3.0 : 1.0), online["acc_rate"].Select(v => v.GetDouble()));
    }
}
