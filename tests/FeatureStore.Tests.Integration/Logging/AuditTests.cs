using System.Globalization;
using System.Text.Json;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// The consistency audit end to end: real sources, the real materializer into Redis, the real server logging every
/// lookup, then <c>featurestore audit</c>. Untouched, 1,000 random lookups match exactly; each way train and serve can
/// drift apart is then applied alone and must be named as its cause on exactly the rows it affects.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class AuditTests(RedisFixture redis)
{
    [Fact]
    public async Task A_thousand_random_lookups_logged_at_rate_one_audit_with_zero_mismatches()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 1000, seed: 1);
            // The flush interval is an hour and fewer than 10,000 rows are waiting: nothing is written yet.
            Assert.False(Directory.Exists(repository.LogFolder));
        }

        // Shutdown flushed everything queued: one row per entity of every answer, each request id returned.
        var (exitCode, report, error) = await repository.AuditAsync();

        Assert.True(exitCode == 0, error);
        Assert.Equal(repository.ServedDrivers.Count, report.GetProperty("rows").GetInt64());
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("mismatch_file").ValueKind);
        var features = report.GetProperty("features").EnumerateArray().ToArray();
        Assert.Equal(AuditRepository.AllFeatures, features.Select(f => f.GetProperty("feature").GetString()));
        foreach (var feature in features)
        {
            Assert.Equal(repository.ServedDrivers.Count, feature.GetProperty("rows").GetInt64());
            Assert.Equal(repository.ServedDrivers.Count, feature.GetProperty("matches").GetInt64());
            Assert.All(feature.GetProperty("mismatches").EnumerateObject(), cause => Assert.Equal(0, cause.Value.GetInt64()));
        }
        var stats = report.GetProperty("freshness").EnumerateArray().Single(v => v.GetProperty("view").GetString() == "driver_stats");
        Assert.Equal(repository.ServedDrivers.Count(d => d is >= 1 and < AuditRepository.Drivers), stats.GetProperty("served_rows").GetInt64());
        // Every served driver_stats row is the T0-1h one, read a little after T0.
        var age = stats.GetProperty("age_seconds");
        Assert.InRange(age.GetProperty("p50").GetDouble(), 3600, 3600 + 600);
        Assert.InRange(age.GetProperty("max").GetDouble(), age.GetProperty("p95").GetDouble(), 3600 + 600);

        Assert.Equal(repository.RequestIds, await LoggedRequestIdsAsync(repository));

        // A window after every request holds nothing.
        var (_, empty, _) = await repository.AuditAsync("--since", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(0, empty.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task A_late_arriving_source_row_is_late_offline_on_exactly_that_drivers_rows()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 200, seed: 2);
        }
        // A backfill after the requests: a row that was true before them, written only now.
        var late = DateTime.UtcNow.AddSeconds(1);
        await repository.AddStatsFileAsync("late.parquet", (7, repository.T0.UtcDateTime.AddMinutes(-30), late, 0.5f, 4242, "late"));

        var (exitCode, report, _) = await repository.AuditAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(repository.Expected("late_offline", [7], AuditRepository.StatsFeatures), await AuditRepository.MismatchesAsync(MismatchFile(report)));
        AssertCause(report, "driver_stats:conv_rate", "late_offline", repository.ServedDrivers.Count(d => d == 7));
    }

    [Fact]
    public async Task An_entity_removed_from_Redis_is_missing_online_on_exactly_that_drivers_rows()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await repository.RemoveDriverFromRedisAsync(5);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 200, seed: 3);
        }

        var (exitCode, report, _) = await repository.AuditAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(repository.Expected("missing_online", [5], AuditRepository.AllFeatures), await AuditRepository.MismatchesAsync(MismatchFile(report)));
    }

    [Fact]
    public async Task Newest_data_left_unmaterialized_is_stale_online_with_its_lag_on_exactly_those_drivers_rows()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        // Rows newer than the last materialization, written before the requests: materialization lags 50 minutes.
        var t0 = repository.T0.UtcDateTime;
        await repository.AddStatsFileAsync("newer.parquet",
            (10, t0.AddMinutes(-10), t0.AddMinutes(-9), 0.1f, 1, "new"),
            (11, t0.AddMinutes(-10), t0.AddMinutes(-9), 0.2f, 2, "new"));
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 200, seed: 4);
        }

        var (exitCode, report, _) = await repository.AuditAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(repository.Expected("stale_online", [10, 11], AuditRepository.StatsFeatures), await AuditRepository.MismatchesAsync(MismatchFile(report)));
        var conv = Feature(report, "driver_stats:conv_rate");
        var lag = conv.GetProperty("stale_lag_seconds");
        Assert.Equal(50 * 60, lag.GetProperty("p50").GetDouble());
        Assert.Equal(50 * 60, lag.GetProperty("max").GetDouble());

        // The gate: the same mismatches pass under a rate above them.
        var rate = (double)repository.ServedDrivers.Count(d => d is 10 or 11) / repository.ServedDrivers.Count;
        var (passing, _, _) = await repository.AuditAsync("--max-mismatch-rate", (rate + 0.01).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, passing);
    }

    [Fact]
    public async Task A_row_written_online_only_is_online_only_on_exactly_that_drivers_rows()
    {
        // Written through the online writer directly (what the push API does): offline never saw the row.
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await repository.WriteOnlineStatsAsync(20, repository.T0.AddMinutes(-5), null, 0.999f, -1, "pushed");
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 200, seed: 5);
        }

        var (exitCode, report, _) = await repository.AuditAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(repository.Expected("online_only", [20], AuditRepository.StatsFeatures), await AuditRepository.MismatchesAsync(MismatchFile(report)));
    }

    [Fact]
    public async Task One_online_value_corrupted_with_the_same_version_is_value_differs_and_reported_as_a_bug()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        var latest = repository.LatestStats(30);
        // Same event and created timestamps, same trips and label; only conv_rate differs.
        await repository.WriteOnlineStatsAsync(30, new DateTimeOffset(latest.Event, TimeSpan.Zero), new DateTimeOffset(latest.Created, TimeSpan.Zero),
            latest.Conv + 1, latest.Trips, latest.Label);
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 200, seed: 6);
        }

        var (exitCode, report, error) = await repository.AuditAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal(repository.Expected("value_differs", [30], ["driver_stats:conv_rate"]), await AuditRepository.MismatchesAsync(MismatchFile(report)));
        Assert.Contains("BUG:", error);
        Assert.Contains("driver_stats:conv_rate", error);
    }

    [Fact]
    public async Task The_text_report_names_each_cause_and_the_mismatch_file_holds_both_values()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await repository.WriteOnlineStatsAsync(20, repository.T0.AddMinutes(-5), null, 0.999f, -1, "pushed");
        await using (var server = await repository.StartServerAsync())
        {
            await repository.LookUpHttpAsync(server, [20]);
            await repository.LookUpGrpcAsync(server, [21, 20]);
        }

        var result = await CliRunner.RunAsync("audit", "--repo", repository.Root, "--service", AuditRepository.Service);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("audit of feature service 'driver_activity_v1': 3 logged rows", result.Output);
        Assert.Matches(@"driver_stats:label\s+3\s+33\.33%\s+0\s+0\s+2\s+0\s+0", result.Output);
        Assert.Contains("FAILED: mismatch rate above 0.00% for driver_stats:conv_rate (66.67%)", result.Output);
        var file = result.Output.Split('\n').Single(l => l.StartsWith("mismatching rows with both values: ", StringComparison.Ordinal))["mismatching rows with both values: ".Length..].Trim();
        await using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT served_status, served_value, offline_value FROM read_parquet('{file}') WHERE feature = 'driver_stats:label' LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("PRESENT", reader.GetString(0));
        Assert.Equal("pushed", reader.GetString(1));
        Assert.Equal(repository.LatestStats(20).Label ?? "", reader.IsDBNull(2) ? "" : reader.GetString(2));
    }

    [Fact]
    public async Task Logs_written_before_the_service_gained_features_audit_each_feature_over_the_rows_that_logged_it()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString);
        await repository.ApplyServiceAsync("driver_stats");
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 30, seed: 10);
        }
        var before = repository.ServedDrivers.Count;
        await repository.ApplyServiceAsync("driver_stats", "driver_profile:rating", "driver_profile:tags");
        await using (var server = await repository.StartServerAsync())
        {
            await repository.ServeRandomAsync(server, 30, seed: 11);
        }

        var (exitCode, report, error) = await repository.AuditAsync();

        Assert.True(exitCode == 0, error);
        Assert.Equal(repository.ServedDrivers.Count, report.GetProperty("rows").GetInt64());
        Assert.Equal(repository.ServedDrivers.Count, Feature(report, "driver_stats:trips").GetProperty("matches").GetInt64());
        Assert.Equal(repository.ServedDrivers.Count - before, Feature(report, "driver_profile:rating").GetProperty("rows").GetInt64());
        Assert.Equal(repository.ServedDrivers.Count - before, Feature(report, "driver_profile:tags").GetProperty("matches").GetInt64());
        Assert.Equal([2, 3], report.GetProperty("registry_versions").EnumerateArray().Select(v => v.GetInt32()));
    }

    private static string MismatchFile(JsonElement report) =>
        report.GetProperty("mismatch_file").GetString() ?? throw new InvalidOperationException("The report names no mismatch file.");

    private static JsonElement Feature(JsonElement report, string feature) =>
        report.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("feature").GetString() == feature);

    private static void AssertCause(JsonElement report, string feature, string cause, long rows) =>
        Assert.Equal(rows, Feature(report, feature).GetProperty("mismatches").GetProperty(cause).GetInt64());

    private static async Task<HashSet<string>> LoggedRequestIdsAsync(AuditRepository repository)
    {
        await using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT request_id FROM read_parquet('{Path.Combine(repository.LogFolder, "**", "*.parquet")}')";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new HashSet<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }
}
