using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Offline;

/// <summary>The pinned point-in-time rules, one small hand-written case each.</summary>
public sealed class TrainingSetSemanticsTests
{
    private static readonly DateTime T = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>One view "stats" (key driver_id, feature value) over the given source rows, queried at the given times for driver 1.</summary>
    private static async Task<object?[]> ValuesAtAsync(
        TimeSpan ttl, (DateTime Event, DateTime? Created, long Value)[] source, DateTime?[] times, bool asOfCreated = false)
    {
        var root = Directory.CreateTempSubdirectory("fs-pit-").FullName;
        await TestParquet.WriteAsync(Path.Combine(root, "stats.parquet"),
            new TestColumn("driver_id", "BIGINT", source.Select(_ => (object?)1L).ToArray()),
            new TestColumn("ts", "TIMESTAMP", source.Select(r => (object?)r.Event).ToArray()),
            new TestColumn("created", "TIMESTAMP", source.Select(r => (object?)r.Created).ToArray()),
            new TestColumn("value", "BIGINT", source.Select(r => (object?)r.Value).ToArray()));
        await TestParquet.WriteAsync(Path.Combine(root, "entities.parquet"),
            new TestColumn("driver_id", "BIGINT", times.Select(_ => (object?)1L).ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", times.Select(t => (object?)t).ToArray()));
        var definitions = new DefinitionSet
        {
            Project = "p",
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            Sources = [new SourceDefinition { Name = "s", Path = "stats.parquet", TimestampField = "ts", CreatedTimestampField = "created" }],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "stats", Entities = ["driver"], Source = "s", Ttl = ttl,
                    Features = [PointInTimeScenario.Feature("value", ScalarType.Int64)],
                },
            ],
        };
        var output = Path.Combine(root, "out.parquet");
        await new DuckDbOfflineStore().WriteTrainingSetAsync(new TrainingSetRequest
        {
            Definitions = definitions,
            RepositoryRoot = root,
            Features = [new FeatureReference("stats", "value")],
            EntityFile = Path.Combine(root, "entities.parquet"),
            OutputPath = output,
            AsOfCreated = asOfCreated,
        });
        var table = await TrainingSetFiles.ReadAsync(output);
        Directory.Delete(root, recursive: true);
        return table.Rows.Select(r => r[2]).ToArray();
    }

    [Fact]
    public async Task Value_exactly_at_t_minus_ttl_is_used_and_one_microsecond_older_is_null()
    {
        var ttl = TimeSpan.FromHours(1);
        var values = await ValuesAtAsync(ttl,
            [(T - ttl, null, 7)],
            [T, T.AddTicks(10)]);

        Assert.Equal([7L, null], values);
    }

    [Fact]
    public async Task Value_exactly_at_t_is_used_and_a_later_one_never_leaks()
    {
        var values = await ValuesAtAsync(TimeSpan.Zero,
            [(T, null, 1), (T.AddTicks(10), null, 2)],
            [T, T.AddTicks(-10)]);

        Assert.Equal([1L, null], values);
    }

    [Fact]
    public async Task Tie_on_event_timestamp_goes_to_the_greatest_created_timestamp()
    {
        var values = await ValuesAtAsync(TimeSpan.Zero,
            [(T, T.AddMinutes(5), 1), (T, T.AddMinutes(9), 2), (T, null, 3), (T, T.AddMinutes(1), 4)],
            [T.AddHours(1)]);

        Assert.Equal([2L], values);
    }

    [Fact]
    public async Task Ttl_zero_never_expires()
    {
        var values = await ValuesAtAsync(TimeSpan.Zero,
            [(T.AddYears(-3), null, 5)],
            [T]);

        Assert.Equal([5L], values);
    }

    [Fact]
    public async Task Entity_row_without_timestamp_gets_null_features()
    {
        var values = await ValuesAtAsync(TimeSpan.Zero,
            [(T, null, 5)],
            [null, T]);

        Assert.Equal([null, 5L], values);
    }

    [Fact]
    public async Task As_of_created_ignores_a_backfilled_row_and_keeps_the_best_row_available_at_t()
    {
        // At T+1h: the row for event T-1h was backfilled at T+2h (not yet known); the row for T-2h was known at T-2h.
        // A newer-event row known earlier must still beat an older-event row known later.
        var values = await ValuesAtAsync(TimeSpan.Zero,
            [(T.AddHours(-1), T.AddHours(2), 1), (T.AddHours(-2), T.AddHours(-2), 2), (T.AddHours(-3), T.AddMinutes(30), 3)],
            [T.AddHours(1), T.AddHours(3)],
            asOfCreated: true);

        Assert.Equal([2L, 1L], values);
    }
}
