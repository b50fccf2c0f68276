using FeatureStore.Core.Offline;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Loading;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Offline;

/// <summary><c>featurestore training-set</c> end to end: apply a repository, then join an entity file from the registry.</summary>
public sealed class TrainingSetCommandTests : IDisposable
{
    private static readonly DateTime T0 = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TestRepository _repository = TestRepository.Create();

    public void Dispose() => _repository.Dispose();

    private string Out => Path.Combine(_repository.Root, "out", "training.parquet");

    /// <summary>The driver repository (rows at T0, T0+1h, T0+2h for drivers 1001..1003), applied; returns the entity file.</summary>
    private async Task<string> AppliedRepositoryAsync()
    {
        _repository.Write("driver.yaml", TestRepository.DriverDefinitions);
        await _repository.WriteDriverParquetAsync();
        var apply = await CliRunner.RunAsync("apply", "--repo", _repository.Root);
        Assert.True(apply.ExitCode == 0, apply.Error);
        var entities = Path.Combine(_repository.Root, "entities.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "BIGINT", [1001L, 1002L, 1003L, 1001L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0.AddMinutes(30), T0.AddHours(1), T0.AddHours(1), T0.AddDays(2)]),
            new TestColumn("label", "BOOLEAN", [true, false, true, false]));
        return entities;
    }

    [Fact]
    public async Task Training_set_command_writes_point_in_time_values_with_registry_lineage_and_prints_a_summary()
    {
        var entities = await AppliedRepositoryAsync();

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--features", "driver_hourly_stats:avg_daily_trips,driver_hourly_stats:conv_rate", "--out", Out);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"wrote {Out}: 4 rows, 5 columns (2 features)", result.Output);
        Assert.Contains("registry version 1", result.Output);
        var table = await TrainingSetFiles.ReadAsync(Out);
        Assert.Equal(["driver_id", "event_timestamp", "label", "avg_daily_trips", "conv_rate"], table.Columns);
        // 1001 at T0+30m sees its T0 row; 1002 at T0+1h its row exactly at t; 1003's only row is in the future;
        // 1001 two days later is past the 1-day TTL.
        Assert.Equal([10L, 20L, null, null], table.Rows.Select(r => r[3]));
        Assert.Equal([0.1f, 0.2f, null, null], table.Rows.Select(r => r[4]));
        var lineage = await TrainingSetLineageReader.ReadAsync(Out);
        Assert.Equal(1, lineage.RegistryVersion);
        Assert.False(string.IsNullOrEmpty(lineage.RegistryHash));
        Assert.Equal(["driver_hourly_stats:avg_daily_trips", "driver_hourly_stats:conv_rate"], lineage.Features);
    }

    [Fact]
    public async Task Training_set_command_takes_features_from_a_service_with_full_names()
    {
        var entities = await AppliedRepositoryAsync();

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--service", "driver_activity", "--full-feature-names", "--out", Out);

        Assert.True(result.ExitCode == 0, result.Error);
        var table = await TrainingSetFiles.ReadAsync(Out);
        Assert.Equal(
            ["driver_id", "event_timestamp", "label", "driver_hourly_stats__conv_rate", "driver_hourly_stats__acc_rate", "driver_hourly_stats__avg_daily_trips"],
            table.Columns);
        Assert.Equal("driver_activity", (await TrainingSetLineageReader.ReadAsync(Out)).FeatureService);
    }

    [Fact]
    public async Task Both_features_and_service_is_a_usage_error()
    {
        var entities = await AppliedRepositoryAsync();

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--features", "driver_hourly_stats:conv_rate", "--service", "driver_activity", "--out", Out);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exactly one of --features and --service", result.Error);
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public async Task Neither_features_nor_service_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", "e.parquet", "--out", Out);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("exactly one of --features and --service", result.Error);
    }

    [Fact]
    public async Task Unknown_service_exits_1_naming_it_and_writes_nothing()
    {
        var entities = await AppliedRepositoryAsync();

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--service", "no_such_service", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no_such_service", result.Error);
        Assert.False(File.Exists(Out));
    }

    [Fact]
    public async Task Training_set_before_any_apply_exits_1_asking_for_apply()
    {
        _repository.Write("driver.yaml", TestRepository.DriverDefinitions);

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", "e.parquet",
            "--features", "driver_hourly_stats:conv_rate", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("featurestore apply", result.Error);
    }

    [Fact]
    public async Task Entity_file_missing_the_join_key_exits_1_and_writes_nothing()
    {
        await AppliedRepositoryAsync();
        var entities = Path.Combine(_repository.Root, "bad.csv");
        await File.WriteAllTextAsync(entities, "driver,event_timestamp\n1001,2024-01-01T01:00:00Z\n");

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--features", "driver_hourly_stats:conv_rate", "--out", Out);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'driver_id'", result.Error);
        Assert.Contains("bad.csv", result.Error);
        Assert.Empty(TrainingSetFiles.FilesIn(Path.GetDirectoryName(Out)!));
    }

    [Theory]
    [InlineData("data/driver_stats.parquet")]
    [InlineData(".featurestore/registry/training.parquet")]
    public async Task Output_over_a_source_or_the_registry_is_refused_and_changes_nothing(string relativeOut)
    {
        var entities = await AppliedRepositoryAsync();
        var source = Path.Combine(_repository.Root, "data", "driver_stats.parquet");
        var before = await File.ReadAllBytesAsync(source);
        var output = Path.Combine(_repository.Root, relativeOut);

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--features", "driver_hourly_stats:conv_rate", "--out", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(output, result.Error);
        Assert.Equal(before, await File.ReadAllBytesAsync(source));
        Assert.Equal(relativeOut == "data/driver_stats.parquet", File.Exists(output));
    }

    [Fact]
    public async Task Output_that_is_a_folder_is_a_one_line_error()
    {
        var entities = await AppliedRepositoryAsync();
        var folder = Path.Combine(_repository.Root, "out");
        Directory.CreateDirectory(folder);

        var result = await CliRunner.RunAsync("training-set", "--repo", _repository.Root, "--entities", entities,
            "--features", "driver_hourly_stats:conv_rate", "--out", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is a folder", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }
}
