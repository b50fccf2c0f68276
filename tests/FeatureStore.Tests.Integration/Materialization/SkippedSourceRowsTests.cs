using FeatureStore.DuckDb;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// Source rows with a NULL event timestamp or a NULL join key are never served, online or offline; materialize and
/// training-set count them and say so (summary, training-set lineage) instead of dropping them silently.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SkippedSourceRowsTests(RedisFixture redis) : IDisposable
{
    private static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-skipped-").FullName;

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

    /// <summary>
    /// Ten rows: four good ones (drivers 1..3), three without an event time (one of them also without a key), two in
    /// the last day without a key, one without a key three days back.
    /// </summary>
    private async Task WriteRepositoryAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"""
            project: {RedisFixture.UniqueProject("skip")}
            online_store:
              type: redis
              connection_string: {redis.ConnectionString}
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "driver.yaml"), """
            entities:
              - {name: driver, join_key: driver_id, value_type: int64}
            sources:
              - {name: driver_stats_source, path: data/driver_stats.parquet, timestamp_field: event_timestamp}
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 1d
                features:
                  - {name: trips, type: int64}
            """);
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 1L, 3L, null, null, 1L, null, 2L, null]),
            new TestColumn("event_timestamp", "TIMESTAMP",
                [T.AddHours(-5), T.AddHours(-4), T.AddHours(-2), T.AddHours(-1), T.AddHours(-3), T.AddMinutes(-30), null, null, null, T.AddDays(-3)]),
            new TestColumn("trips", "BIGINT", [10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L]));
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }

    [Fact]
    public async Task Materialize_reports_rows_without_an_event_timestamp_or_a_join_key_in_its_summary()
    {
        await WriteRepositoryAsync();

        var run = await CliRunner.RunAsync("materialize", "--repo", _root,
            "--start", T.AddDays(-1).ToString("O"), "--end", T.ToString("O"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("driver_hourly_stats: 3 rows", run.Output);
        // Null keys count within the window only (the one three days back is not part of this run).
        Assert.Contains("5 source rows skipped (3 without an event timestamp, 2 without a join key)", run.Output);
    }

    [Fact]
    public async Task Materialize_of_a_clean_source_mentions_no_skipped_rows()
    {
        await WriteRepositoryAsync();
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T.AddHours(-5), T.AddHours(-4)]),
            new TestColumn("trips", "BIGINT", [10L, 20L]));

        var run = await CliRunner.RunAsync("materialize", "--repo", _root,
            "--start", T.AddDays(-1).ToString("O"), "--end", T.ToString("O"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("driver_hourly_stats: 2 rows", run.Output);
        Assert.DoesNotContain("skipped", run.Output);
    }

    [Fact]
    public async Task Training_set_reports_skipped_source_rows_in_its_summary_and_lineage()
    {
        await WriteRepositoryAsync();
        var entities = Path.Combine(_root, "entities.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T, T]));
        var output = Path.Combine(_root, "out", "training.parquet");

        var run = await CliRunner.RunAsync("training-set", "--repo", _root, "--entities", entities,
            "--features", "driver_hourly_stats:trips", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("driver_hourly_stats: 6 source rows skipped (3 without an event timestamp, 3 without a join key)", run.Output);
        var lineage = await TrainingSetLineageReader.ReadAsync(output);
        var skipped = Assert.Single(lineage.SkippedSourceRows);
        Assert.Equal("driver_hourly_stats", skipped.Key);
        Assert.Equal(new Core.Offline.SkippedRows(3, 3), skipped.Value);
        // The rows without an event time are never the value as of T, however new they might be.
        Assert.Equal([30L, 20L], (await Offline.TrainingSetFiles.ReadAsync(output)).Rows.Select(r => r[2]));
    }

    [Fact]
    public async Task Training_set_counts_a_row_with_an_infinite_event_timestamp_in_a_source_without_NULLs()
    {
        await WriteRepositoryAsync();
        var t = T.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await TestParquet.WriteQueryAsync(Path.Combine(_root, "data", "driver_stats.parquet"), $"""
            SELECT * FROM (VALUES
              (1::BIGINT, TIMESTAMP '{t}' - INTERVAL 5 HOUR, 10::BIGINT),
              (2::BIGINT, 'infinity'::TIMESTAMP, 20::BIGINT)) t(driver_id, event_timestamp, trips)
            """);
        var (run, lineage) = await RunTrainingSetAsync();

        Assert.Contains("driver_hourly_stats: 1 source row skipped (1 without an event timestamp)", run.Output);
        Assert.Equal(new Core.Offline.SkippedRows(1, 0), lineage.SkippedSourceRows["driver_hourly_stats"]);
    }

    [Fact]
    public async Task Training_set_of_a_clean_source_reports_no_skipped_rows()
    {
        await WriteRepositoryAsync();
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T.AddHours(-5), T.AddHours(-4)]),
            new TestColumn("trips", "BIGINT", [10L, 20L]));

        var (run, lineage) = await RunTrainingSetAsync();

        Assert.DoesNotContain("source rows skipped", run.Output);
        Assert.Equal(Core.Offline.SkippedRows.None, lineage.SkippedSourceRows["driver_hourly_stats"]);
    }

    private async Task<(CliRunner.CliResult Run, Core.Offline.TrainingSetLineage Lineage)> RunTrainingSetAsync()
    {
        var entities = Path.Combine(_root, "entities.parquet");
        await TestParquet.WriteAsync(entities,
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T, T]));
        var output = Path.Combine(_root, "out", "training.parquet");
        var run = await CliRunner.RunAsync("training-set", "--repo", _root, "--entities", entities,
            "--features", "driver_hourly_stats:trips", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        return (run, await TrainingSetLineageReader.ReadAsync(output));
    }
}
