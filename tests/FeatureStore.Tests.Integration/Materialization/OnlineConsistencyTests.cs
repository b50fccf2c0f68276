using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Tests.Infrastructure;
using Xunit.Abstractions;
using FeatureStore.DuckDb;
using static FeatureStore.Tests.Materialization.ConsistencyScenario;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// The materializer's contract: after materializing up to T, the online value of every entity as of T equals the
/// point-in-time value for (entity, T): checked against a nested-loop reference and against the offline store's
/// training set, over seeded random data with ties, nulls, TTL edges and a composite key.
/// </summary>
public abstract class OnlineConsistencyTests(IOnlineBackend backend, ITestOutputHelper output)
{
    /// <summary>The cases against a real Redis.</summary>
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis, ITestOutputHelper output) : OnlineConsistencyTests(redis, output);

    /// <summary>The same cases against the embedded store (Garnet in-process).</summary>
    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store, ITestOutputHelper output) : OnlineConsistencyTests(store, output);

    /// <summary>The same cases against a Redis Cluster: keys spread over every shard.</summary>
    [Collection(RedisClusterCollection.Name), Trait(RedisClusterCollection.Trait, RedisClusterCollection.TraitValue)]
    public sealed class OnCluster(RedisClusterFixture cluster, ITestOutputHelper output) : OnlineConsistencyTests(cluster, output);


    [Theory]
    [InlineData("range", 11)]
    [InlineData("incremental", 12)]
    public async Task Online_values_as_of_T_equal_reference_and_training_set_values_for_every_entity(string mode, int seed)
    {
        await using var harness = new MaterializationHarness(backend.Connection);
        var (drivers, customers, pairs) = await SeedAsync(harness, seed);
        var asOf = new DateTimeOffset(T);

        var summaries = mode == "range"
            ? await harness.RunAsync(asOf.AddDays(-60), asOf)
            : await harness.RunAsync(null, asOf);
        Assert.Equal(3, summaries.Count);

        var mismatches = new List<string>();
        var compared = 0;
        async Task CheckAsync(FeatureViewDefinition view, object[][] keys, (string Key, object?[] Values)[] columns)
        {
            var features = view.Features.Select(f => $"{view.Name}:{f.Name}").ToArray();
            var read = await harness.ReadAsync(features, asOf, columns);
            var training = await TrainingSetAsync(harness, features, columns);
            for (var row = 0; row < keys.Length; row++)
            {
                var expected = Reference(harness.RowsOf(view.Name), keys[row], T, view.Ttl);
                for (var f = 0; f < features.Length; f++)
                {
                    var want = MaterializationHarness.Normalize(expected?.Values[f]);
                    var got = MaterializationHarness.Normalize(read.Columns[f][row].Value);
                    var offline = MaterializationHarness.Normalize(training[row][f]);
                    compared++;
                    if (want != got || offline != got)
                    {
                        mismatches.Add($"{features[f]} key [{string.Join(",", keys[row])}]: reference {want}, training set {offline}, online {got} ({read.Columns[f][row].Status})");
                    }
                }
            }
        }

        await CheckAsync(DriverStats, drivers.Select(d => new object[] { d }).ToArray(), [("driver_id", drivers.Cast<object?>().ToArray())]);
        await CheckAsync(CustomerProfile, customers.Select(c => new object[] { c }).ToArray(), [("customer_id", customers.Cast<object?>().ToArray())]);
        await CheckAsync(PairStats, pairs.Select(p => new object[] { p.Item1, p.Item2 }).ToArray(),
            [("driver_id", pairs.Select(p => (object?)p.Item1).ToArray()), ("customer_id", pairs.Select(p => (object?)p.Item2).ToArray())]);

        output.WriteLine($"{compared} values compared, {mismatches.Count} mismatches");
        Assert.True(compared > 300);
        Assert.Empty(mismatches);
    }
}
