using System.Net.Http.Json;
using DuckDB.NET.Data;
using FeatureStore.Core.Logging;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// Served-feature logging in the real server: sampling, request ids on logged answers only, requests naming features
/// (log_ad_hoc), an unwritable log folder, and the scheduled audit's rate at /metrics.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class LoggingServerTests(RedisFixture redis)
{
    [Fact]
    public async Task Sampling_at_a_tenth_logs_about_a_tenth_of_10000_requests_and_exactly_those_that_returned_a_request_id()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString, sampleRate: 0.1, materialize: false);
        const int requests = 10_000;
        var withId = 0;
        await using (var server = await repository.StartServerAsync())
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < requests)
                {
                    var request = new GetOnlineFeaturesRequest { FeatureService = AuditRepository.Service };
                    var column = new RepeatedValue();
                    column.Val.Add(new Value { Int64Val = 1 + next % AuditRepository.Drivers });
                    request.Entities.Add("driver_id", column);
                    using var call = server.Client.Serving.GetOnlineFeaturesAsync(request);
                    await call.ResponseAsync;
                    if (call.GetTrailers().GetValue(ServedFeatureLoggerNames.GrpcTrailer) is not null)
                    {
                        Interlocked.Increment(ref withId);
                    }
                }
            }));
        }

        var logged = await CountRowsAsync(repository.LogFolder);
        // Each request is logged with probability 0.1, independently: the count is Binomial(10000, 0.1), mean 1000,
        // standard deviation 30. [850, 1150] is mean ± 5 sd: a correct sampler falls outside it with probability < 1e-6.
        Assert.InRange(logged, 850, 1150);
        Assert.Equal(withId, logged);
    }

    [Fact]
    public async Task Requests_naming_features_are_logged_to_the_ad_hoc_folder_only_with_log_ad_hoc()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString, materialize: false, logAdHoc: true);
        await using var unlogged = await AuditRepository.CreateAsync(redis.ConnectionString, materialize: false);
        var body = new { features = new[] { "driver_stats:conv_rate", "driver_profile:rating" }, entities = new { driver_id = new[] { 1L, 2L, 999L } } };
        await using (var server = await repository.StartServerAsync())
        {
            using var response = await server.Http.PostAsJsonAsync("/get-online-features", body);
            response.EnsureSuccessStatusCode();
            Assert.True(response.Headers.Contains(ServedFeatureLoggerNames.HttpHeader));
        }
        await using (var server = await unlogged.StartServerAsync())
        {
            using var response = await server.Http.PostAsJsonAsync("/get-online-features", body);
            response.EnsureSuccessStatusCode();
            Assert.False(response.Headers.Contains(ServedFeatureLoggerNames.HttpHeader));
        }

        var adHoc = Path.Combine(repository.Root, "logs", LogSchema.AdHocFolder);
        Assert.Equal(3, await CountRowsAsync(adHoc));
        Assert.False(Directory.Exists(Path.Combine(unlogged.Root, "logs")));
    }

    [Fact]
    public async Task An_unwritable_log_folder_counts_the_rows_as_dropped_and_serving_goes_on()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString, logPath: "not-a-folder/logs");
        await File.WriteAllTextAsync(Path.Combine(repository.Root, "not-a-folder"), "a file where the log folder should be");
        await using var server = await repository.StartServerAsync();

        await repository.ServeRandomAsync(server, 20, seed: 7);
        await server.App.Services.GetRequiredService<ServedFeatureLog>().FlushAsync();

        var metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Contains($"featurestore_logged_rows_dropped_total {repository.ServedDrivers.Count}\n", metrics);
        Assert.Contains("featurestore_logged_rows_total 0\n", metrics);
        // Still serving, and still answering with request ids (the rows are counted, not silently lost).
        Assert.NotEmpty(await repository.LookUpHttpAsync(server, [1]));
    }

    [Fact]
    public async Task Audits_on_a_schedule_export_each_features_mismatch_rate_at_metrics()
    {
        await using var repository = await AuditRepository.CreateAsync(redis.ConnectionString, flushInterval: "1s");
        // Driver 20 is served from a row offline never saw, so the audit finds online_only mismatches.
        await repository.WriteOnlineStatsAsync(20, repository.T0.AddMinutes(-5), null, 0.999f, -1, "pushed");
        await using var server = await repository.StartServerAsync("--audit-on-schedule", "2s");

        var deadline = DateTime.UtcNow.AddSeconds(90);
        const string Rate = "featurestore_audit_mismatch_rate{service=\"driver_activity_v1\",feature=\"driver_stats:conv_rate\"} ";
        string metrics;
        do
        {
            await repository.LookUpGrpcAsync(server, [20, 21]);
            await Task.Delay(100);
            metrics = await server.Http.GetStringAsync("/metrics");
        }
        while (!(metrics.Split('\n').FirstOrDefault(l => l.StartsWith(Rate, StringComparison.Ordinal)) is { } line && double.Parse(line[Rate.Length..], System.Globalization.CultureInfo.InvariantCulture) > 0)
               && DateTime.UtcNow < deadline);

        var rate = double.Parse(metrics.Split('\n').Single(l => l.StartsWith(Rate, StringComparison.Ordinal))[Rate.Length..], System.Globalization.CultureInfo.InvariantCulture);
        // Every request asks for drivers 20 and 21; only 20's rows mismatch.
        Assert.Equal(0.5, rate);
        Assert.Contains("featurestore_audit_mismatch_rate{service=\"driver_activity_v1\",feature=\"driver_profile:rating\"} 0\n", metrics);
    }

    private static async Task<long> CountRowsAsync(string folder)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_parquet('{Path.Combine(folder, "**", "*.parquet")}')";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
