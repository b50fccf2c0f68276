using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Loading;

/// <summary>
/// Problems found by reading the sources' Parquet schemas. Line numbers refer to <see cref="TestRepository.DriverDefinitions"/>.
/// </summary>
public sealed class ParquetSchemaValidationTests
{
    private const string File = "defs.yaml";
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Path_matching_no_file_is_reported_at_the_path()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("data/driver_stats.parquet", "data/missing.parquet"));
        await repo.WriteDriverParquetAsync();

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 7, 11), problem.Location);
        Assert.StartsWith("path 'data/missing.parquet' of source 'driver_stats_source' matches no file (looked for ", problem.Message);
    }

    [Fact]
    public async Task Empty_folder_matches_no_file()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("data/driver_stats.parquet", "empty"));
        Directory.CreateDirectory(Path.Combine(repo.Root, "empty"));

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 7, 11), problem.Location);
        Assert.StartsWith("path 'empty' of source 'driver_stats_source' matches no file", problem.Message);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("data/part-*.parquet")]
    public async Task Folder_and_glob_paths_read_every_file(string path)
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("data/driver_stats.parquet", path));
        await repo.WriteDriverParquetAsync("data/part-1.parquet");
        await repo.WriteDriverParquetAsync("data/part-2.parquet");

        var loaded = await repo.LoadAsync();

        Assert.Equal(path, loaded.Definitions.Sources[0].Path);
    }

    [Fact]
    public async Task Declared_feature_missing_from_the_files_is_reported_at_the_feature()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(without: ["acc_rate"]);

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 17, 16), problem.Location);
        Assert.Equal(
            "feature 'acc_rate' of feature view 'driver_hourly_stats' is not a column of source 'driver_stats_source' (columns: driver_id, event_timestamp, created, conv_rate, avg_daily_trips)",
            problem.Message);
    }

    [Fact]
    public async Task Field_mapping_reads_a_feature_from_a_differently_named_column()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("    created_timestamp_field: created", "    created_timestamp_field: created\n    field_mapping: {trips_today: avg_daily_trips}"));
        await repo.WriteDriverParquetAsync(without: ["avg_daily_trips"], replace: [new TestColumn("trips_today", "BIGINT", [1L, 2L, 3L])]);

        var loaded = await repo.LoadAsync();

        var source = loaded.Definitions.Sources[0];
        Assert.Equal("avg_daily_trips", source.FieldMapping["trips_today"]);
        Assert.Equal("trips_today", source.ColumnFor("avg_daily_trips"));
    }

    [Fact]
    public async Task Field_mapped_column_missing_from_the_files_is_reported_at_the_mapping_and_the_feature()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("    created_timestamp_field: created", "    created_timestamp_field: created\n    field_mapping: {trips_today: avg_daily_trips}"));
        await repo.WriteDriverParquetAsync(without: ["avg_daily_trips"]);

        var problems = await ProblemsAsync(repo);

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(new SourceLocation(File, 10, 21), p.Location);
                Assert.StartsWith("field_mapping of source 'driver_stats_source' maps column 'trips_today', which is not a column of its files", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation(File, 19, 16), p.Location);
                Assert.StartsWith("feature 'avg_daily_trips' of feature view 'driver_hourly_stats' is not a column of source 'driver_stats_source' (column 'trips_today' by field_mapping)", p.Message);
            });
    }

    [Fact]
    public async Task Join_key_missing_from_the_files_is_reported_at_the_views_entity()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(without: ["driver_id"], replace: [new TestColumn("driver", "BIGINT", [1L, 2L, 3L])]);

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 12, 16), problem.Location);
        Assert.StartsWith("join key 'driver_id' of entity 'driver' is not a column of source 'driver_stats_source'", problem.Message);
    }

    [Fact]
    public async Task Timestamp_and_created_columns_missing_from_the_files_are_reported_at_their_fields()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(without: ["event_timestamp", "created"], replace: [new TestColumn("ts", "TIMESTAMPTZ", [T0, T0, T0])]);

        var problems = await ProblemsAsync(repo);

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(new SourceLocation(File, 8, 22), p.Location);
                Assert.StartsWith("timestamp_field 'event_timestamp' of source 'driver_stats_source' is not a column of its files (columns: driver_id, conv_rate", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation(File, 9, 30), p.Location);
                Assert.StartsWith("created_timestamp_field 'created' of source 'driver_stats_source' is not a column of its files", p.Message);
            });
    }

    [Fact]
    public async Task Timestamp_field_that_is_not_a_timestamp_is_reported()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(replace: [new TestColumn("event_timestamp", "VARCHAR", ["2024-01-01", "2024-01-02", "2024-01-03"])]);

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 8, 22), problem.Location);
        Assert.Equal("timestamp_field 'event_timestamp' of source 'driver_stats_source' is VARCHAR in the files; it must be a TIMESTAMP, TIMESTAMPTZ or DATE", problem.Message);
    }

    [Fact]
    public async Task Column_type_the_declared_type_cannot_hold_is_reported_at_the_type()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(replace:
        [
            new TestColumn("conv_rate", "VARCHAR", ["a", "b", "c"]),
            new TestColumn("avg_daily_trips", "DOUBLE", [1.0, 2.0, 3.0]),
        ]);

        var problems = await ProblemsAsync(repo);

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(new SourceLocation(File, 16, 33), p.Location);
                Assert.Equal(
                    "feature 'conv_rate' of feature view 'driver_hourly_stats' is declared float32 but column 'conv_rate' of source 'driver_stats_source' is VARCHAR, which float32 cannot hold; declare it string or convert the column",
                    p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation(File, 18, 39), p.Location);
                Assert.Contains("is declared int64 but column 'avg_daily_trips' of source 'driver_stats_source' is DOUBLE, which int64 cannot hold; declare it float64", p.Message);
            });
    }

    [Fact]
    public async Task Widening_column_types_are_accepted()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("{name: acc_rate, type: float32}", "{name: acc_rate, type: float64}"));
        await repo.WriteDriverParquetAsync(replace:
        [
            new TestColumn("driver_id", "INTEGER", [1, 2, 3]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0.UtcDateTime, T0.UtcDateTime, T0.UtcDateTime]),
            new TestColumn("acc_rate", "FLOAT", [0.1f, 0.2f, 0.3f]),
            new TestColumn("avg_daily_trips", "INTEGER", [1, 2, 3]),
        ]);

        var loaded = await repo.LoadAsync();

        Assert.Equal(new FeatureType(ScalarType.Float64), loaded.Definitions.FeatureViews[0].Features[1].Type);
    }

    [Fact]
    public async Task List_features_must_match_the_element_type()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: list<float32>}")
            .Replace("{name: acc_rate, type: float32}", "{name: acc_rate, type: list<float32>}")
            .Replace("{name: avg_daily_trips, type: int64}", "{name: avg_daily_trips, type: list<int64>}"));
        await repo.WriteDriverParquetAsync(replace:
        [
            new TestColumn("conv_rate", "FLOAT[]", [new[] { 1f }, new[] { 2f }, new[] { 3f }]),
            new TestColumn("acc_rate", "DOUBLE[]", [new[] { 1.0 }, new[] { 2.0 }, new[] { 3.0 }]),
        ]);

        var problems = await ProblemsAsync(repo);

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(17, p.Location.Line);
                Assert.Contains("is declared list<float32> but column 'acc_rate' of source 'driver_stats_source' is DOUBLE[], which list<float32> cannot hold; declare it list<float64>", p.Message);
            },
            p =>
            {
                Assert.Equal(18, p.Location.Line);
                Assert.Contains("is declared list<int64> but column 'avg_daily_trips' of source 'driver_stats_source' is BIGINT", p.Message);
            });
    }

    [Fact]
    public async Task Join_key_type_incompatible_with_its_column_is_reported()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync(replace: [new TestColumn("driver_id", "VARCHAR", ["a", "b", "c"])]);

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 12, 16), problem.Location);
        Assert.Equal(
            "join key 'driver_id' of entity 'driver' is declared int64 but column 'driver_id' of source 'driver_stats_source' is VARCHAR; declare it string or convert the column",
            problem.Message);
    }

    [Fact]
    public async Task Unreadable_parquet_file_is_reported_at_the_path()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions).Write("data/driver_stats.parquet", "not parquet");

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation(File, 7, 11), problem.Location);
        Assert.StartsWith("cannot read the Parquet files of source 'driver_stats_source' at 'data/driver_stats.parquet': ", problem.Message);
    }

    private static async Task<IReadOnlyList<DefinitionProblem>> ProblemsAsync(TestRepository repo) =>
        (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems;
}
