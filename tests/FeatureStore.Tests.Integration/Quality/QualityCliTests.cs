using System.Text.Json;
using FeatureStore.Core.Quality;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Materialization;

namespace FeatureStore.Tests.Quality;

/// <summary>profile, check, drift, and materialize's gate through the real command line, file registry and Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class QualityCliTests(RedisFixture redis) : IDisposable
{
    /// <summary>The CLI runs on the wall clock, which caps windows at now: T is the start of the current hour.</summary>
    private static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-quality-").FullName;
    private readonly string _project = RedisFixture.UniqueProject("qcli");

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

    private string Window => $"window:{Iso(T.AddDays(-1))}..{Iso(T)}";

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private async Task WriteRepositoryAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"""
            project: {_project}
            online_store:
              type: redis
              connection_string: {redis.ConnectionString}
            registry: .featurestore/registry
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "driver.yaml"), """
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 2d
                checks:
                  severity: error
                features:
                  - {name: conv_rate, type: float32, checks: {not_null: true, min: 0, max: 1}}
                  - {name: trips, type: int64, checks: {max_null_fraction: 0.01, severity: warn}}
                  - {name: city, type: string, checks: {allowed_values: [paris, berlin, tokyo]}}
            """);
        await WriteDataAsync(conv: [0.1f, 0.2f, 0.3f, 0.4f], trips: [10L, 20L, 30L, 40L]);
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }

    private Task WriteDataAsync(float[] conv, long?[] trips) =>
        TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 3L, 4L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T.AddHours(-5), T.AddHours(-4), T.AddHours(-2), T.AddHours(-1)]),
            new TestColumn("conv_rate", "FLOAT", conv.Cast<object?>().ToArray()),
            new TestColumn("trips", "BIGINT", trips.Cast<object?>().ToArray()),
            new TestColumn("city", "VARCHAR", ["paris", "berlin", "tokyo", "paris"]));

    private Task<CliRunner.CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, "--repo", _root]);

    [Fact]
    public async Task Check_passes_clean_data_and_fails_an_error_check_with_example_keys_writing_nothing()
    {
        await WriteRepositoryAsync();

        var clean = await RunAsync("check", "--view", "driver_hourly_stats", "--start", Iso(T.AddDays(-1)), "--end", Iso(T));
        Assert.True(clean.ExitCode == 0, clean.Error + clean.Output);
        Assert.Contains("driver_hourly_stats: 4 rows of " + Window + " checked; nothing written", clean.Output);
        Assert.Contains("ok driver_hourly_stats.conv_rate max: max 0.4 <= 1", clean.Output);

        await WriteDataAsync(conv: [0.1f, 7.5f, 0.3f, 0.4f], trips: [10L, null, 30L, 40L]);
        var bad = await RunAsync("check", "--view", "driver_hourly_stats", "--start", Iso(T.AddDays(-1)), "--end", Iso(T));

        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error driver_hourly_stats.conv_rate max: max 7.5 > 1 (1 row; e.g. driver_id=2)", bad.Output);
        Assert.True(bad.Output.Contains("warn driver_hourly_stats.trips max_null_fraction: null fraction 0.25 > 0.01 (1 row; e.g. driver_id=2)", StringComparison.Ordinal), bad.Output);
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));

        var json = await RunAsync("check", "--view", "driver_hourly_stats", "--start", Iso(T.AddDays(-1)), "--end", Iso(T), "--json");
        using var document = JsonDocument.Parse(json.Output);
        Assert.False(document.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal(5, document.RootElement.GetProperty("checks").GetArrayLength());
    }

    [Fact]
    public async Task Materialize_exits_1_and_writes_nothing_when_an_error_check_fails()
    {
        await WriteRepositoryAsync();
        await WriteDataAsync(conv: [0.1f, 0.2f, -3f, 0.4f], trips: [10L, 20L, 30L, 40L]);

        var run = await RunAsync("materialize", "--start", Iso(T.AddDays(-1)), "--end", Iso(T));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("driver_hourly_stats: NOT WRITTEN, 1 error check failed on 4 rows", run.Output);
        Assert.Contains("  error driver_hourly_stats.conv_rate min: min -3 < 0 (1 row; e.g. driver_id=3)", run.Output);
        Assert.Contains("error: checks failed for driver_hourly_stats: nothing of that view was written.", run.Error);
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        var status = await RunAsync("status");
        Assert.Contains("never", status.Output);
    }

    [Fact]
    public async Task Profile_saves_a_reference_and_drift_exits_3_only_when_a_feature_drifts()
    {
        await WriteRepositoryAsync();

        var profile = await RunAsync("profile", "--view", "driver_hourly_stats", "--start", Iso(T.AddDays(-1)), "--end", Iso(T), "--save", "baseline", "--json");
        Assert.True(profile.ExitCode == 0, profile.Error);
        var saved = ProfileJson.Deserialize<FeatureViewProfile>(profile.Output);
        Assert.Equal((4L, Window), (saved.RowCount, saved.Subject));
        Assert.Equal(0.1f, (float)saved.Find("conv_rate")!.Numeric!.Min!.Value);

        var same = await RunAsync("drift", "--view", "driver_hourly_stats", "--reference", "profile:baseline", "--current", Window);
        Assert.True(same.ExitCode == 0, same.Error + same.Output);
        Assert.Contains("no feature drifted", same.Output);

        await WriteDataAsync(conv: [0.9f, 0.95f, 0.99f, 0.97f], trips: [10L, 20L, 30L, 40L]);
        var drifted = await RunAsync("drift", "--view", "driver_hourly_stats", "--reference", "profile:baseline", "--current", Window, "--json");
        Assert.True(drifted.ExitCode == 3, drifted.Error + drifted.Output);
        var report = ProfileJson.Deserialize<DriftReport>(drifted.Output);
        Assert.Equal(DriftVerdict.Drift, report.Features.Single(f => f.Feature == "conv_rate").Verdict);
        Assert.Equal(DriftVerdict.Ok, report.Features.Single(f => f.Feature == "trips").Verdict);
    }

    [Fact]
    public async Task Training_sets_carry_profiles_and_online_and_last_run_profile_what_was_written()
    {
        await WriteRepositoryAsync();
        var entities = Path.Combine(_root, "entities.csv");
        await File.WriteAllTextAsync(entities, $"driver_id,event_timestamp\n1,{Iso(T)}\n2,{Iso(T)}\n3,{Iso(T)}\n3,{Iso(T.AddHours(-3))}\n9,{Iso(T)}\n");
        var training = Path.Combine(_root, "training.parquet");
        var build = await RunAsync("training-set", "--entities", entities, "--features", "driver_hourly_stats", "--out", training);
        Assert.True(build.ExitCode == 0, build.Error);

        var carried = await RunAsync("profile", "--view", "driver_hourly_stats", "--training-set", training, "--json");
        Assert.True(carried.ExitCode == 0, carried.Error);
        var trainingProfile = ProfileJson.Deserialize<FeatureViewProfile>(carried.Output);
        Assert.Equal(5, trainingProfile.RowCount);
        Assert.Equal(2, trainingProfile.Find("conv_rate")!.Nulls); // driver 9 is unknown, driver 3 had no value 3 hours earlier

        var materialize = await RunAsync("materialize", "--start", Iso(T.AddDays(-1)), "--end", Iso(T), "--redis", redis.ConnectionString);
        Assert.True(materialize.ExitCode == 0, materialize.Error);
        var online = await RunAsync("profile", "--view", "driver_hourly_stats", "--online", "--json");
        Assert.True(online.ExitCode == 0, online.Error);
        Assert.Equal(4, ProfileJson.Deserialize<FeatureViewProfile>(online.Output).RowCount);

        var drift = await RunAsync("drift", "--view", "driver_hourly_stats", "--reference", $"training-set:{training}", "--current", "last-run");
        Assert.True(drift.ExitCode is 0 or 3, drift.Error);
        Assert.Contains($"{Window} against training-set:{training}", drift.Output);
        var text = await RunAsync("profile", "--view", "driver_hourly_stats", "--online");
        Assert.Contains("conv_rate (float32): 4 values, 0 nulls (0%)", text.Output);
        Assert.Contains("top: paris 2, berlin 1, tokyo 1", text.Output);
    }

    [Fact]
    public async Task Bad_quality_arguments_are_one_line_errors()
    {
        await WriteRepositoryAsync();

        var reference = await RunAsync("drift", "--view", "driver_hourly_stats", "--reference", "yesterday", "--current", "online");
        Assert.Equal(1, reference.ExitCode);
        Assert.Equal("error: --reference: 'yesterday' is not a profile reference; write training-set:FILE, profile:NAME or window:START..END.\n", reference.Error.ReplaceLineEndings("\n"));

        var missing = await RunAsync("drift", "--view", "driver_hourly_stats", "--reference", "profile:nothing", "--current", "last-run");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No profile named 'nothing' is saved for view 'driver_hourly_stats'", missing.Error);

        var both = await RunAsync("profile", "--view", "driver_hourly_stats", "--online", "--start", Iso(T.AddDays(-1)), "--end", Iso(T));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("Give exactly one of --start/--end, --training-set and --online.", both.Error);

        var view = await RunAsync("check", "--view", "driver_stats", "--start", Iso(T.AddDays(-1)), "--end", Iso(T));
        Assert.Equal(1, view.ExitCode);
        Assert.Contains("Unknown feature view 'driver_stats'", view.Error);
    }
}
