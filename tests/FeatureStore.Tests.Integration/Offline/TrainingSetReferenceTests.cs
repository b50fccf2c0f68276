using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Offline;

/// <summary>The DuckDB training set against the nested-loop reference join, on seeded random data.</summary>
public sealed class TrainingSetReferenceTests
{
    private static readonly (string View, string Feature)[] AllFeatures =
    [
        ("driver_stats", "conv_rate"), ("customer_profile", "balance"), ("pair_stats", "score"),
        ("driver_stats", "trips"), ("customer_profile", "tier"),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Training_set_equals_reference_join_on_random_data(int seed)
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed);
        AssertScenarioCoversEdgeCases(scenario);

        var table = await RunAsync(scenario, scenario.EntityParquet, asOfCreated: false);

        AssertMatchesReference(scenario, table, asOfCreated: false);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task As_of_created_training_set_equals_reference_join_that_ignores_rows_created_after_t(int seed)
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed);

        var table = await RunAsync(scenario, scenario.EntityParquet, asOfCreated: true);

        AssertMatchesReference(scenario, table, asOfCreated: true);
        // The option must matter on this data, or the comparison proves nothing.
        var plain = ReferenceJoin.Compute(scenario, AllFeatures, scenario.EntityRows, asOfCreated: false);
        var asOf = ReferenceJoin.Compute(scenario, AllFeatures, scenario.EntityRows, asOfCreated: true);
        Assert.Contains(Enumerable.Range(0, plain.Count), i => !plain[i].SequenceEqual(asOf[i]));
    }

    [Fact]
    public async Task Zoned_entity_timestamps_are_compared_as_the_same_utc_instants()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 6);
        var zoned = Path.Combine(scenario.Root, "entities_zoned.parquet");
        await PointInTimeScenario.WriteEntitiesAsync(zoned, scenario.EntityRows, zoned: true);

        var table = await RunAsync(scenario, zoned, asOfCreated: false);

        AssertMatchesReference(scenario, table, asOfCreated: false);
    }

    [Fact]
    public async Task Csv_entity_file_with_offset_timestamps_gives_the_reference_result()
    {
        using var scenario = await PointInTimeScenario.CreateAsync(seed: 7);
        var csv = Path.Combine(scenario.Root, "entities.csv");
        await PointInTimeScenario.WriteEntitiesCsvAsync(csv, scenario.EntityRows);

        var table = await RunAsync(scenario, csv, asOfCreated: false);

        AssertMatchesReference(scenario, table, asOfCreated: false);
    }

    private static async Task<TrainingSetFiles.Table> RunAsync(PointInTimeScenario scenario, string entityFile, bool asOfCreated)
    {
        var output = Path.Combine(scenario.Root, "out", $"training-{Guid.NewGuid():N}.parquet");
        var store = new DuckDbOfflineStore();
        var result = await store.WriteTrainingSetAsync(new TrainingSetRequest
        {
            Definitions = scenario.Definitions,
            RepositoryRoot = scenario.Root,
            Features = scenario.Definitions.ResolveReferences(AllFeatures.Select(f => $"{f.View}:{f.Feature}")),
            EntityFile = entityFile,
            OutputPath = output,
            AsOfCreated = asOfCreated,
        });
        Assert.Equal(scenario.EntityRows.Count, result.RowCount);
        return await TrainingSetFiles.ReadAsync(output);
    }

    private static void AssertMatchesReference(PointInTimeScenario scenario, TrainingSetFiles.Table table, bool asOfCreated)
    {
        Assert.Equal(["driver_id", "customer_id", "event_timestamp", "label", "conv_rate", "balance", "score", "trips", "tier"], table.Columns);
        var expected = ReferenceJoin.Compute(scenario, AllFeatures, scenario.EntityRows, asOfCreated);
        Assert.Equal(scenario.EntityRows.Count, table.Rows.Count);
        var nonNull = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var entity = scenario.EntityRows[i];
            var row = table.Rows[i];
            // Entity columns pass through in order (row order preserved, duplicates kept).
            Assert.Equal(entity.DriverId, row[0]);
            Assert.Equal(entity.CustomerId, row[1]);
            Assert.Equal((long)entity.Label, row[3]);
            for (var f = 0; f < AllFeatures.Length; f++)
            {
                var actual = row[4 + f];
                if (!Equals(expected[i][f], actual))
                {
                    Assert.Fail($"Row {i} (driver {entity.DriverId}, customer {entity.CustomerId}, t {entity.Time:O}) feature {AllFeatures[f]}: expected {expected[i][f] ?? "null"}, got {actual ?? "null"}.");
                }
                nonNull += actual is null ? 0 : 1;
            }
        }
        Assert.True(nonNull > expected.Count, "Most rows should find some feature values; the data would not test much otherwise.");
    }

    /// <summary>Makes sure the random data really contains the cases the issue lists, so passing means something.</summary>
    private static void AssertScenarioCoversEdgeCases(PointInTimeScenario scenario)
    {
        var driver = scenario.Views["driver_stats"];
        var byKey = driver.Rows.ToLookup(r => (long)r.Keys[0]!);
        var atT = 0;
        var atTtlBound = 0;
        var tiesBeforeT = 0;
        foreach (var entity in scenario.EntityRows)
        {
            var rows = byKey[entity.DriverId].ToArray();
            atT += rows.Any(r => r.Event == entity.Time) ? 1 : 0;
            atTtlBound += rows.Any(r => r.Event == entity.Time - driver.Ttl) ? 1 : 0;
            tiesBeforeT += rows.Where(r => r.Event <= entity.Time).GroupBy(r => r.Event).Any(g => g.Count() > 1) ? 1 : 0;
        }
        Assert.True(atT > 5, $"only {atT} entity rows have a source row exactly at t");
        Assert.True(atTtlBound > 5, $"only {atTtlBound} entity rows have a source row exactly at t - TTL");
        Assert.True(tiesBeforeT > 5, $"only {tiesBeforeT} entity rows see ties on event timestamp");
        Assert.Contains(driver.Rows, r => r.Values[0] is null);
        Assert.Contains(scenario.EntityRows, e => !byKey.Contains(e.DriverId));
        Assert.True(scenario.EntityRows.Distinct().Count() < scenario.EntityRows.Count, "no duplicate entity rows");
    }
}
