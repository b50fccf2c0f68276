using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;
using FeatureStore.Tests.Server;
using Google.Protobuf;
using Grpc.Core;

namespace FeatureStore.Tests.Quality;

/// <summary>
/// Feature quality in the real server over real Redis and Parquet: HTTP and scheduled materializations pass the same
/// gate as the command line, the profile API (JSON and gRPC), the view page and <c>/metrics</c> show what the runs recorded.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class QualityServerTests(RedisFixture redis) : IDisposable
{
    private const string View = "driver_hourly_stats";

    /// <summary>The server runs on the wall clock, which caps windows at now: T is the start of the current hour.</summary>
    private static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);

    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-qserver-").FullName;
    private readonly string _project = RedisFixture.UniqueProject("qsrv");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private FileProfileStore Profiles => new(Path.Combine(_root, ".featurestore", "registry"));

    private FileRegistry Registry => new(Path.Combine(_root, ".featurestore", "registry"));

    /// <summary>
    /// One view with an error-severity view default, a warn check, an allowed-values check, and a reference window
    /// (the two rows before T-3h) so every run measures drift.
    /// </summary>
    private async Task WriteRepositoryAsync(string? schedule = null)
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"""
            project: {_project}
            online_store:
              type: redis
              connection_string: "{redis.ConnectionString}"
            registry: .featurestore/registry

            """ + (schedule is null ? "" : $"materialization:\n  schedule: \"{schedule}\"\n"));
        await File.WriteAllTextAsync(Path.Combine(_root, "driver.yaml"), $"""
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
            feature_views:
              - name: {View}
                entities: [driver]
                source: driver_stats_source
                ttl: 2d
                reference: window:{Iso(T.AddDays(-1))}..{Iso(T.AddHours(-3))}
                checks:
                  severity: error
                features:
                  - {"{"}name: conv_rate, type: float32, checks: {"{"}not_null: true, min: 0, max: 1{"}"}{"}"}
                  - {"{"}name: trips, type: int64, checks: {"{"}max_null_fraction: 0.01, severity: warn{"}"}{"}"}
                  - {"{"}name: city, type: string, checks: {"{"}allowed_values: [paris, berlin, tokyo]{"}"}{"}"}
            """);
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, 20L, 30L, 40L]);
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }

    private Task WriteDataAsync(float[] conv, long?[] trips, string city4 = "paris") =>
        TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 3L, 4L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T.AddHours(-5), T.AddHours(-4), T.AddHours(-2), T.AddHours(-1)]),
            new TestColumn("conv_rate", "FLOAT", conv.Cast<object?>().ToArray()),
            new TestColumn("trips", "BIGINT", trips.Cast<object?>().ToArray()),
            new TestColumn("city", "VARCHAR", ["paris", "berlin", "tokyo", city4]));

    private Task<ServingServer> StartServerAsync(params string[] extra) => ServingServer.StartAsync([
        "--repo", _root, "--redis", redis.ConnectionString, "--http-port", "0", "--grpc-port", "0", .. extra,
    ]);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> MaterializeAsync(ServingServer server)
    {
        using var content = new StringContent(
            JsonSerializer.Serialize(new { start_ts = Iso(T.AddDays(-1)), end_ts = Iso(T) }), Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync("/materialize", content);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    private static JsonElement Check(JsonElement summary, string feature, string check) =>
        summary.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("feature").GetString() == feature && c.GetProperty("check").GetString() == check);

    [Fact]
    public async Task Http_materialize_with_a_failing_error_check_answers_422_and_leaves_redis_untouched()
    {
        await WriteRepositoryAsync();
        await using var server = await StartServerAsync();
        var (first, _) = await MaterializeAsync(server);
        Assert.Equal(HttpStatusCode.OK, first);
        var before = await MaterializationHarness.SnapshotAsync(redis.Connection, _project);
        var watermark = (await Registry.GetMaterializationStateAsync()).Single().LastRunAt;
        Assert.NotEqual("", before);

        await WriteDataAsync(conv: [0.9f, 7.5f, 0.8f, 0.7f], trips: [11L, 21L, 31L, 41L]);
        var (status, body) = await MaterializeAsync(server);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("checks_failed", body.GetProperty("status").GetString());
        var summary = body.GetProperty("feature_views").EnumerateArray().Single();
        Assert.True(summary.GetProperty("blocked").GetBoolean());
        Assert.Equal(0, summary.GetProperty("written").GetInt64());
        var max = Check(summary, "conv_rate", "max");
        Assert.False(max.GetProperty("passed").GetBoolean());
        Assert.Equal("error", max.GetProperty("severity").GetString());
        Assert.Equal("max 7.5 > 1", max.GetProperty("observed").GetString());
        Assert.Equal(["driver_id=2"], max.GetProperty("example_keys").EnumerateArray().Select(k => k.GetString()));
        // Every key and value in Redis is as before, and the watermark did not move.
        Assert.Equal(before, await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        Assert.Equal(watermark, (await Registry.GetMaterializationStateAsync()).Single().LastRunAt);
        var runs = await Profiles.ListRunsAsync(View, 10);
        Assert.Equal([RunOutcome.Blocked, RunOutcome.Written], runs.Select(r => r.Outcome));
    }

    [Fact]
    public async Task Http_materialize_with_a_failing_warn_check_writes_and_reports_the_warning()
    {
        await WriteRepositoryAsync();
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, null, 30L, 40L]);
        await using var server = await StartServerAsync();

        var (status, body) = await MaterializeAsync(server);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        var summary = body.GetProperty("feature_views").EnumerateArray().Single();
        Assert.False(summary.GetProperty("blocked").GetBoolean());
        Assert.Equal(4, summary.GetProperty("written").GetInt64());
        var warning = Check(summary, "trips", "max_null_fraction");
        Assert.False(warning.GetProperty("passed").GetBoolean());
        Assert.Equal("warn", warning.GetProperty("severity").GetString());
        Assert.Equal("null fraction 0.25 > 0.01", warning.GetProperty("observed").GetString());
        Assert.True(Check(summary, "conv_rate", "max").GetProperty("passed").GetBoolean());
        var (_, read) = await server.PostAsync(new { features = new[] { $"{View}:conv_rate" }, entities = new { driver_id = new[] { 4L } } });
        Assert.Equal(0.4f, read.GetProperty("results")[1].GetProperty("values")[0].GetSingle());
        Assert.Equal(RunOutcome.Written, (await Profiles.ListRunsAsync(View, 1)).Single().Outcome);
    }

    [Fact]
    public async Task A_scheduled_run_passes_the_same_gate_and_writes_nothing_when_an_error_check_fails()
    {
        // Yearly: a never-materialized view is due at once, and not again during the test.
        await WriteRepositoryAsync(schedule: "0 0 1 1 *");
        await WriteDataAsync(conv: [0.1f, 0.2f, -3f, 0.4f], trips: [10L, 20L, 30L, 40L], city4: "lima");
        await using var server = await StartServerAsync("--materialize-on-schedule");

        var run = await WaitForRunAsync();

        Assert.Equal(RunOutcome.Blocked, run.Outcome);
        Assert.Contains(run.Checks, c => c is { Feature: "conv_rate", Check: "min", Passed: false, Observed: "min -3 < 0" });
        Assert.Contains(run.Checks, c => c is { Feature: "city", Check: "allowed_values", Passed: false } && c.ExampleKeys.SequenceEqual(["driver_id=4"]));
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        Assert.Empty(await Registry.GetMaterializationStateAsync());
    }

    [Fact]
    public async Task The_worker_passes_the_same_gate_and_writes_nothing_when_an_error_check_fails()
    {
        await WriteRepositoryAsync(schedule: "0 0 1 1 *");
        await WriteDataAsync(conv: [0.1f, 0.2f, -3f, 0.4f], trips: [10L, 20L, 30L, 40L], city4: "lima");
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();

        var worker = FeatureStore.Materializer.Cli.CliApplication.RunAsync(
            ["worker", "--repo", _root, "--redis", redis.ConnectionString, "--poll-seconds", "1"], output, error, stop.Token);
        var run = await WaitForRunAsync();
        await stop.CancelAsync();
        var exitCode = await worker.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, error.ToString());
        Assert.Equal(RunOutcome.Blocked, run.Outcome);
        Assert.Contains(run.Checks, c => c is { Feature: "conv_rate", Check: "min", Passed: false, Observed: "min -3 < 0" });
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        Assert.Empty(await Registry.GetMaterializationStateAsync());
    }

    private async Task<ProfileRun> WaitForRunAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if ((await Profiles.ListRunsAsync(View, 1)).FirstOrDefault() is { } run)
            {
                return run;
            }
            Assert.True(DateTime.UtcNow < deadline, "the scheduled run recorded no profile within 60 s");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Profile_json_and_grpc_answer_the_same_data_and_an_unknown_view_is_404_and_not_found()
    {
        await WriteRepositoryAsync();
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, null, 30L, 40L]);
        await using var server = await StartServerAsync();
        Assert.Equal(HttpStatusCode.OK, (await MaterializeAsync(server)).Status);
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.35f, 0.45f], trips: [10L, 20L, 30L, 40L]);
        Assert.Equal(HttpStatusCode.OK, (await MaterializeAsync(server)).Status);
        var catalog = new Protos.V1.Catalog.CatalogClient(server.Channel);

        var json = await server.Http.GetStringAsync($"/api/catalog/feature-views/{View}/profile");
        var grpc = await catalog.GetFeatureViewProfileAsync(new GetFeatureViewProfileRequest { Name = View });

        var fromJson = JsonParser.Default.Parse<CatalogFeatureViewProfile>(json);
        Assert.True(fromJson.Freshness.ToTimeSpan() > TimeSpan.Zero);
        // Freshness is measured at response time; everything else is the same data.
        fromJson.Freshness = null;
        grpc.Freshness = null;
        Assert.Equal(ProtoJson.Format(fromJson), ProtoJson.Format(grpc));

        Assert.Equal(View, grpc.FeatureView);
        Assert.Equal(2, grpc.RecordedRuns);
        Assert.Equal("written", grpc.LastRun.Outcome);
        Assert.Equal(4, grpc.LastRun.RowCount);
        Assert.Equal(new DateTimeOffset(T.AddHours(-1)), grpc.NewestEvent.ToDateTimeOffset());
        Assert.Equal(["conv_rate", "trips", "city"], grpc.Features.Select(f => f.Name));
        var conv = grpc.Features[0];
        Assert.Equal("float32", conv.Type);
        Assert.Equal(4, conv.Count);
        Assert.Equal(0.45, conv.Numeric.Max, 6);
        Assert.Equal(20, conv.Numeric.Histogram.Counts.Count);
        Assert.Equal(4, conv.Numeric.Histogram.Counts.Sum());
        Assert.Equal([1, 5, 25, 50, 75, 95, 99], conv.Numeric.Percentiles.Select(p => p.Percent));
        Assert.Equal("psi", conv.Drift.Method);
        Assert.Equal(2, conv.DriftHistory.Count);
        Assert.Equal(conv.Drift.Psi, conv.DriftHistory[^1].Score);
        Assert.Equal(0, grpc.Features[1].NullFraction);
        Assert.Equal(["berlin", "paris", "tokyo"], grpc.Features[2].Text.TopValues.Select(v => v.Value).Order());
        Assert.Equal(2, grpc.Features[2].Text.TopValues.Single(v => v.Value == "paris").Count);
        Assert.Equal($"window:{Iso(T.AddDays(-1))}..{Iso(T.AddHours(-3))}", grpc.Drift.Reference);
        Assert.All(grpc.Checks, c => Assert.True(c.Passed, c.Observed));
        Assert.Equal(5, grpc.Checks.Count);

        using var missing = await server.Http.GetAsync("/api/catalog/feature-views/no_such_view/profile");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no_such_view", await missing.Content.ReadAsStringAsync());
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await catalog.GetFeatureViewProfileAsync(new GetFeatureViewProfileRequest { Name = "no_such_view" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no_such_view", error.Status.Detail);
    }

    [Fact]
    public async Task A_view_never_profiled_answers_an_empty_profile_and_a_page_that_says_so()
    {
        await WriteRepositoryAsync();
        await using var server = await StartServerAsync();

        using var document = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/catalog/feature-views/{View}/profile"));
        Assert.Equal(0, document.RootElement.GetProperty("recordedRuns").GetInt32());
        Assert.Equal(0, document.RootElement.GetProperty("features").GetArrayLength());

        var page = await server.Http.GetStringAsync($"/views/{View}");
        Assert.Contains("id=\"no-profile\"", page);
        Assert.DoesNotContain("<svg", page);
    }

    [Fact]
    public async Task Metrics_export_null_fraction_drift_psi_check_failures_and_freshness_per_view_and_feature()
    {
        await WriteRepositoryAsync();
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, null, 30L, 40L]);
        await using var server = await StartServerAsync();
        Assert.Equal(HttpStatusCode.OK, (await MaterializeAsync(server)).Status);
        await WriteDataAsync(conv: [0.1f, 9f, 0.3f, 0.4f], trips: [10L, null, 30L, 40L]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await MaterializeAsync(server)).Status);

        var metrics = await server.Http.GetStringAsync("/metrics");
        var profile = await new Protos.V1.Catalog.CatalogClient(server.Channel).GetFeatureViewProfileAsync(new GetFeatureViewProfileRequest { Name = View });

        Assert.Equal(0.25, Metric(metrics, "featurestore_feature_null_fraction", $"view=\"{View}\",feature=\"trips\""));
        Assert.Equal(0, Metric(metrics, "featurestore_feature_null_fraction", $"view=\"{View}\",feature=\"conv_rate\""));
        Assert.Equal(profile.Features[0].Drift.Psi, Metric(metrics, "featurestore_feature_drift_psi", $"view=\"{View}\",feature=\"conv_rate\""), 9);
        // Categories are compared by JS distance, not PSI.
        Assert.DoesNotContain($"featurestore_feature_drift_psi{{view=\"{View}\",feature=\"city\"}}", metrics);
        // The warn check failed in both runs, the max check in the second.
        Assert.Equal(2, Metric(metrics, "featurestore_check_failures_total", $"view=\"{View}\",feature=\"trips\",check=\"max_null_fraction\",severity=\"warn\""));
        Assert.Equal(1, Metric(metrics, "featurestore_check_failures_total", $"view=\"{View}\",feature=\"conv_rate\",check=\"max\",severity=\"error\""));
        var freshness = Metric(metrics, "featurestore_view_freshness_seconds", $"view=\"{View}\"");
        Assert.InRange(freshness, (DateTime.UtcNow - T.AddHours(-1)).TotalSeconds - 60, (DateTime.UtcNow - T.AddHours(-1)).TotalSeconds + 1);

        // A scrape counts each recorded run once.
        var again = await server.Http.GetStringAsync("/metrics");
        Assert.Equal(2, Metric(again, "featurestore_check_failures_total", $"view=\"{View}\",feature=\"trips\",check=\"max_null_fraction\",severity=\"warn\""));
    }

    [Fact]
    public async Task View_page_shows_svg_histograms_check_badges_and_a_drift_sparkline_with_data_escaped()
    {
        await WriteRepositoryAsync();
        await using var server = await StartServerAsync();
        Assert.Equal(HttpStatusCode.OK, (await MaterializeAsync(server)).Status);
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, 20L, 30L, 40L], city4: "<script>alert(1)</script>");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await MaterializeAsync(server)).Status);

        var page = await server.Http.GetStringAsync($"/views/{View}");

        Assert.Contains("not written: an error check failed", page);
        Assert.Contains("<span class=\"badge check fail\"", page);
        Assert.Contains(">city allowed_values</span>", page);
        Assert.Contains("<span class=\"badge check pass\"", page);
        Assert.Equal(20, Regex.Matches(Row(page, "conv_rate"), "<rect ").Count);
        Assert.Contains("<svg class=\"chart categories\"", Row(page, "city"));
        Assert.Contains("<svg class=\"chart sparkline\"", Row(page, "conv_rate"));
        Assert.Contains("PSI of conv_rate over 2 recorded runs", Row(page, "conv_rate"));
        Assert.DoesNotContain("<script>alert(1)</script>", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script", page);
    }

    private static string Row(string page, string feature)
    {
        var start = page.IndexOf($"<tr id=\"profile-{feature}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no profile row for {feature}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static double Metric(string metrics, string name, string labels)
    {
        var match = Regex.Match(metrics, $"^{Regex.Escape(name)}\\{{{Regex.Escape(labels)}\\}} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name}{{{labels}}} is not on /metrics:\n{metrics}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
