using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;

namespace FeatureStore.Tests.Scheduling;

/// <summary>
/// A server started with <c>--materialize-on-schedule</c> runs due views itself, exports each view's runs on
/// <c>/metrics</c>, and the catalog shows each view's schedule and next run.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ScheduledServerTests(RedisFixture redis)
{
    /// <summary>Once a year, on January 1st: a view materialized now is not due again before then.</summary>
    private const string Yearly = "0 0 1 1 *";

    private static DateTimeOffset NextJanuaryFirst(DateTimeOffset after) => new(after.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_server_on_schedule_runs_due_views_and_exports_per_view_metrics()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: Yearly);
        // The daily view's source disappears after apply: its scheduled run fails, and is counted.
        File.Delete(Path.Combine(repository.Root, "data", "driver_daily.parquet"));
        var before = DateTimeOffset.UtcNow;
        await using var server = await repository.StartServerAsync("--materialize-on-schedule");

        // Never materialized, so due at once.
        var state = await repository.WaitForStateAsync("driver_hourly_stats");
        Assert.InRange(state.Watermark!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.Equal(3, state.RowsWritten);

        var metrics = await WaitForMetricAsync(server, """featurestore_materialization_failures_total{view="driver_daily_stats"} 1""");
        Assert.Equal(3, Metric(metrics, "featurestore_materialization_last_rows_written", "driver_hourly_stats"));
        Assert.Equal(state.Duration.TotalSeconds, Metric(metrics, "featurestore_materialization_last_duration_seconds", "driver_hourly_stats"), 3);
        Assert.Equal((state.LastRunAt!.Value + state.Duration).ToUnixTimeMilliseconds() / 1000.0,
            Metric(metrics, "featurestore_materialization_last_success_timestamp_seconds", "driver_hourly_stats"), 3);
        Assert.Equal(state.Watermark.Value.ToUnixTimeMilliseconds() / 1000.0,
            Metric(metrics, "featurestore_materialization_watermark_timestamp_seconds", "driver_hourly_stats"), 3);
        Assert.Equal(0, Metric(metrics, "featurestore_materialization_failures_total", "driver_hourly_stats"));
        Assert.Null(await repository.StateOfAsync("driver_daily_stats"));
        Assert.DoesNotContain("driver_offline_only", metrics);
    }

    [Fact]
    public async Task Without_the_flag_the_server_runs_nothing_on_its_own()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: "* * * * *");
        await using var server = await repository.StartServerAsync();

        var metrics = await server.Http.GetStringAsync("/metrics");

        // Series exist from the first scrape (failures at 0), but no run happened.
        Assert.Equal(0, Metric(metrics, "featurestore_materialization_failures_total", "driver_hourly_stats"));
        Assert.DoesNotContain("featurestore_materialization_last_rows_written{", metrics);
        await Task.Delay(500);
        Assert.Empty(await repository.Registry.GetMaterializationStateAsync());
    }

    [Fact]
    public async Task The_catalog_shows_each_views_schedule_and_next_run()
    {
        using var repository = await MaterializationRepository.CreateAsync(redis.ConnectionString, defaultSchedule: Yearly, dailySchedule: "*/30 * * * *");
        await using var server = await repository.StartServerAsync();
        var (materialize, _) = await PostMaterializeAsync(server, """{"end_ts": "now", "feature_views": ["driver_hourly_stats"]}""");
        Assert.Equal(HttpStatusCode.OK, materialize);
        var ranAt = (await repository.StateOfAsync("driver_hourly_stats"))!.Watermark!.Value;

        using var hourly = JsonDocument.Parse(await server.Http.GetStringAsync("/api/catalog/feature-views/driver_hourly_stats"));
        Assert.Equal(Yearly, hourly.RootElement.GetProperty("schedule").GetString());
        Assert.Equal(NextJanuaryFirst(ranAt), DateTimeOffset.Parse(hourly.RootElement.GetProperty("nextMaterialization").GetString()!, CultureInfo.InvariantCulture));

        using var daily = JsonDocument.Parse(await server.Http.GetStringAsync("/api/catalog/feature-views/driver_daily_stats"));
        Assert.Equal("*/30 * * * *", daily.RootElement.GetProperty("schedule").GetString());
        // Never materialized: due at once, so its next run is not in the future.
        Assert.True(DateTimeOffset.Parse(daily.RootElement.GetProperty("nextMaterialization").GetString()!, CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);

        using var offline = JsonDocument.Parse(await server.Http.GetStringAsync("/api/catalog/feature-views/driver_offline_only"));
        Assert.Equal("", offline.RootElement.GetProperty("schedule").GetString());

        var page = await server.Ui.GetStringAsync("/views/driver_hourly_stats");
        Assert.Contains("<dt>Schedule</dt><dd><code>0 0 1 1 *</code> UTC", page);
        Assert.Contains($"<span id=\"next-run\">{NextJanuaryFirst(ranAt):yyyy-MM-dd} 00:00 UTC", page);
        Assert.Contains("<span id=\"next-run\">due now</span>", await server.Ui.GetStringAsync("/views/driver_daily_stats"));
        Assert.Contains("none (materialized on demand)", await server.Ui.GetStringAsync("/views/driver_offline_only"));
    }

    private static async Task<(HttpStatusCode, string)> PostMaterializeAsync(ServingServer server, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync("/materialize-incremental", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> WaitForMetricAsync(ServingServer server, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metrics = await server.Http.GetStringAsync("/metrics");
            if (metrics.Split('\n').Contains(line) || DateTime.UtcNow > deadline)
            {
                Assert.Contains(line, metrics.Split('\n'));
                return metrics;
            }
            await Task.Delay(100);
        }
    }

    private static double Metric(string metrics, string name, string view)
    {
        var match = Regex.Match(metrics, $"^{Regex.Escape(name)}\\{{view=\"{Regex.Escape(view)}\"\\}} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name}{{view=\"{view}\"}} is not exported:\n{metrics}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
