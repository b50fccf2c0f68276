using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// The online-store seam: <see cref="MaterializationEngine"/> runs unchanged against <see cref="InMemoryOnlineStore"/>
/// (Core's public API only) with the DuckDB offline store, and what it wrote reads back as the point-in-time rule
/// says. No Redis.
/// </summary>
public sealed class InMemoryOnlineStoreTests
{
    private static readonly DateTimeOffset AsOf = new(ConsistencyScenario.T);

    private static async Task<(MaterializationHarness Harness, InMemoryOnlineStore Store, (long[] Drivers, string[] Customers, (long, string)[] Pairs) Keys)> SeededAsync(int seed)
    {
        var store = new InMemoryOnlineStore();
        var harness = new MaterializationHarness(store);
        var keys = await ConsistencyScenario.SeedAsync(harness, seed);
        return (harness, store, keys);
    }

    /// <summary>Every feature of the three seeded views for every key, as read at <paramref name="readTime"/>, one line per value.</summary>
    private static async Task<List<string>> ReadAllAsync(MaterializationHarness harness, (long[] Drivers, string[] Customers, (long, string)[] Pairs) keys, DateTimeOffset readTime)
    {
        var lines = new List<string>();
        async Task ReadAsync(FeatureViewDefinition view, (string Key, object?[] Values)[] columns)
        {
            var features = view.Features.Select(f => $"{view.Name}:{f.Name}").ToArray();
            var read = await harness.ReadAsync(features, readTime, columns);
            for (var row = 0; row < columns[0].Values.Length; row++)
            {
                for (var f = 0; f < features.Length; f++)
                {
                    var value = read.Columns[f][row];
                    lines.Add($"{features[f]} [{string.Join(",", columns.Select(c => c.Values[row]))}]: {value.Status} {value.EventTimestamp?.UtcTicks} {MaterializationHarness.Normalize(value.Value)}");
                }
            }
        }
        await ReadAsync(ConsistencyScenario.DriverStats, [("driver_id", keys.Drivers.Cast<object?>().ToArray())]);
        await ReadAsync(ConsistencyScenario.CustomerProfile, [("customer_id", keys.Customers.Cast<object?>().ToArray())]);
        await ReadAsync(ConsistencyScenario.PairStats,
            [("driver_id", keys.Pairs.Select(p => (object?)p.Item1).ToArray()), ("customer_id", keys.Pairs.Select(p => (object?)p.Item2).ToArray())]);
        return lines;
    }

    [Fact]
    public async Task Engine_materializes_into_an_in_memory_store_whose_reads_equal_the_point_in_time_reference()
    {
        var (harness, _, keys) = await SeededAsync(21);
        await using var _ = harness;

        var summaries = await harness.RunAsync(null, AsOf);

        Assert.Equal(3, summaries.Count);
        Assert.All(summaries, s => Assert.True(s.RowsWritten > 0));
        var mismatches = new List<string>();
        var compared = 0;
        async Task CheckAsync(FeatureViewDefinition view, object[][] rowKeys, (string Key, object?[] Values)[] columns)
        {
            var features = view.Features.Select(f => $"{view.Name}:{f.Name}").ToArray();
            var read = await harness.ReadAsync(features, AsOf, columns);
            for (var row = 0; row < rowKeys.Length; row++)
            {
                var expected = ConsistencyScenario.Reference(harness.RowsOf(view.Name), rowKeys[row], ConsistencyScenario.T, view.Ttl);
                for (var f = 0; f < features.Length; f++)
                {
                    compared++;
                    var got = read.Columns[f][row];
                    var want = MaterializationHarness.Normalize(expected?.Values[f]);
                    var wantEvent = expected is null ? null : (long?)new DateTimeOffset(expected.Event).UtcTicks;
                    if (want != MaterializationHarness.Normalize(got.Value) || wantEvent != got.EventTimestamp?.UtcTicks)
                    {
                        mismatches.Add($"{features[f]} [{string.Join(",", rowKeys[row])}]: reference {want} at {wantEvent}, in-memory {MaterializationHarness.Normalize(got.Value)} at {got.EventTimestamp?.UtcTicks} ({got.Status})");
                    }
                }
            }
        }
        await CheckAsync(ConsistencyScenario.DriverStats, keys.Drivers.Select(d => new object[] { d }).ToArray(), [("driver_id", keys.Drivers.Cast<object?>().ToArray())]);
        await CheckAsync(ConsistencyScenario.CustomerProfile, keys.Customers.Select(c => new object[] { c }).ToArray(), [("customer_id", keys.Customers.Cast<object?>().ToArray())]);
        await CheckAsync(ConsistencyScenario.PairStats, keys.Pairs.Select(p => new object[] { p.Item1, p.Item2 }).ToArray(),
            [("driver_id", keys.Pairs.Select(p => (object?)p.Item1).ToArray()), ("customer_id", keys.Pairs.Select(p => (object?)p.Item2).ToArray())]);

        Assert.True(compared > 300);
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task Rerunning_an_older_window_into_the_in_memory_store_never_moves_values_back()
    {
        var (harness, _, keys) = await SeededAsync(22);
        await using var _ = harness;
        await harness.RunAsync(null, AsOf);
        var before = await ReadAllAsync(harness, keys, AsOf);

        var rerun = await harness.RunAsync(AsOf.AddDays(-60), AsOf.AddHours(-2));

        // Keys with nothing within the TTL may now hold an older row (OUTSIDE_MAX_AGE); every served value stays.
        Assert.Contains(rerun, s => s.RowsSelected > 0);
        var after = await ReadAllAsync(harness, keys, AsOf);
        var served = Enumerable.Range(0, before.Count).Where(i => before[i].Contains(": Present ", StringComparison.Ordinal) || before[i].Contains(": NullValue ", StringComparison.Ordinal)).ToArray();
        Assert.True(served.Length > 100);
        Assert.Equal(served.Select(i => before[i]), served.Select(i => after[i]));
    }

    [Fact]
    public async Task A_held_lock_of_the_in_memory_store_refuses_a_materialization_before_anything_is_written()
    {
        var (harness, store, _) = await SeededAsync(23);
        await using var _ = harness;
        await using (await store.AcquireMaterializationLockAsync(harness.Project, ConsistencyScenario.DriverStats.Name, harness.Options, wait: false))
        {
            var refused = await Assert.ThrowsAsync<MaterializationInProgressException>(() => harness.RunAsync(null, AsOf));
            Assert.Equal(ConsistencyScenario.DriverStats.Name, refused.View);
            Assert.Equal(0, store.CountRows(harness.Project, ConsistencyScenario.CustomerProfile.Name));
        }

        var summaries = await harness.RunAsync(null, AsOf);

        Assert.Equal(3, summaries.Count);
        Assert.True(store.CountRows(harness.Project, ConsistencyScenario.DriverStats.Name) > 0);
    }

    [Fact]
    public async Task Views_dropped_from_the_registry_are_removed_from_the_in_memory_store_on_the_next_run()
    {
        var (harness, store, _) = await SeededAsync(24);
        await using var _ = harness;
        await harness.RunAsync(null, AsOf);
        Assert.True(store.CountRows(harness.Project, ConsistencyScenario.PairStats.Name) > 0);

        harness.RemoveView(ConsistencyScenario.PairStats.Name);
        await harness.RunAsync(AsOf.AddHours(-1), AsOf);

        Assert.Equal(0, store.CountRows(harness.Project, ConsistencyScenario.PairStats.Name));
        Assert.True(store.CountRows(harness.Project, ConsistencyScenario.DriverStats.Name) > 0);
        Assert.True((await store.CheckHealthAsync()).IsHealthy);
    }
}
