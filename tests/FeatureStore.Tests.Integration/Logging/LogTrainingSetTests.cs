using DuckDB.NET.Data;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// "Log and wait": <c>featurestore training-set --entities</c> takes a served-feature log (a folder or one file) as the
/// entity rows, with the request times as their timestamps, and with <c>--keep-log-columns</c> carries the served
/// values through, so the next model trains on exactly what was served.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class LogTrainingSetTests(RedisFixture redis)
{
    [Fact]
    public async Task A_log_folder_is_an_entity_file_and_the_offline_values_equal_the_served_ones()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 100, seed: 8);
        }
        var output = Path.Combine(repository.Root, "out", "training.parquet");

        var plain = await CliRunner.RunAsync("training-set", "--repo", repository.Root, "--entities", repository.LogFolder,
            "--service", AuditRepository.Service, "--out", output);

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Contains($"{repository.ServedDrivers.Count} rows", plain.Output);
        Assert.Contains("columns: driver_id, request_time, conv_rate, trips, label, rating, tags", plain.Output);

        var kept = await CliRunner.RunAsync("training-set", "--repo", repository.Root, "--entities", repository.LogFolder,
            "--service", AuditRepository.Service, "--out", output, "--keep-log-columns");

        Assert.True(kept.ExitCode == 0, kept.Error);
        Assert.Contains("columns: request_id, request_time, registry_version, driver_id, driver_stats__conv_rate, driver_stats__conv_rate__status", kept.Output);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT count(*),
                   count(*) FILTER (WHERE conv_rate IS DISTINCT FROM driver_stats__conv_rate
                                       OR label IS DISTINCT FROM driver_stats__label
                                       OR tags IS DISTINCT FROM driver_profile__tags),
                   count(DISTINCT request_id)
            FROM read_parquet('{output}')
            """;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(repository.ServedDrivers.Count, reader.GetInt64(0));
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal(repository.RequestIds.Count, reader.GetInt64(2));
    }

    [Fact]
    public async Task One_log_file_is_an_entity_file_and_keep_log_columns_needs_a_log()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString, materialize: false);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 10, seed: 9);
        }
        var file = Directory.GetFiles(repository.LogFolder, "*.parquet", SearchOption.AllDirectories).Single();
        var output = Path.Combine(repository.Root, "out", "training.parquet");

        var fromFile = await CliRunner.RunAsync("training-set", "--repo", repository.Root, "--entities", file,
            "--features", "driver_stats:trips", "--out", output);
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        Assert.Contains($"{repository.ServedDrivers.Count} rows", fromFile.Output);

        var csv = Path.Combine(repository.Root, "entities.csv");
        await File.WriteAllTextAsync(csv, "driver_id,event_timestamp\n1,2024-05-01T00:00:00Z\n");
        var notALog = await CliRunner.RunAsync("training-set", "--repo", repository.Root, "--entities", csv,
            "--features", "driver_stats:trips", "--out", output, "--keep-log-columns");
        Assert.Equal(1, notALog.ExitCode);
        Assert.Contains("--keep-log-columns needs a served-feature log (a log folder or file) as --entities", notALog.Error);
    }
}
