using FeatureStore.DuckDb;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Materialization;

/// <summary>materialize, materialize-incremental and status through the real command line and file registry.</summary>
[Collection(RedisCollection.Name)]
public sealed class MaterializeCliTests(RedisFixture redis) : IDisposable
{
    /// <summary>The CLI runs on the wall clock, which caps windows at now: T is the start of the current hour (TTLs are a day).</summary>
    private static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-cli-").FullName;
    private readonly string _project = RedisFixture.UniqueProject("cli");

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

    private async Task WriteRepositoryAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"""
            project: {_project}
            online_store:
              type: redis
              connection_string: {redis.ConnectionString}
            offline_store:
              type: duckdb
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
                created_timestamp_field: created
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 1d
                features:
                  - {name: conv_rate, type: float32}
                  - {name: trips, type: int64}
              - name: driver_offline_only
                entities: [driver]
                source: driver_stats_source
                online: false
                features:
                  - {name: trips, type: int64}
            """);
        DateTime[] times = [T.AddHours(-5), T.AddHours(-4), T.AddHours(-2), T.AddHours(-1)];
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 1L, 3L]),
            new TestColumn("event_timestamp", "TIMESTAMP", times.Cast<object?>().ToArray()),
            new TestColumn("created", "TIMESTAMP", times.Cast<object?>().ToArray()),
            new TestColumn("conv_rate", "FLOAT", [0.1f, 0.2f, 0.3f, 0.4f]),
            new TestColumn("trips", "BIGINT", [10L, 20L, 30L, 40L]));
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);
        Assert.True(apply.ExitCode == 0, apply.Error);
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ");

    [Fact]
    public async Task Materialize_then_incremental_then_status_report_each_view()
    {
        await WriteRepositoryAsync();

        var range = await CliRunner.RunAsync("materialize", "--repo", _root, "--start", Iso(T.AddDays(-1)), "--end", Iso(T.AddHours(-3)), "--redis", redis.ConnectionString);
        Assert.True(range.ExitCode == 0, range.Error);
        Assert.StartsWith("driver_hourly_stats: 2 rows (2 written", range.Output);
        Assert.DoesNotContain("driver_offline_only", range.Output);

        var incremental = await CliRunner.RunAsync("materialize-incremental", "--repo", _root, "--end", Iso(T), "--redis", redis.ConnectionString);
        Assert.True(incremental.ExitCode == 0, incremental.Error);
        Assert.Contains($"driver_hourly_stats: 2 rows (2 written, 0 already current in the online store) for {Iso(T.AddHours(-3))} .. {Iso(T)}", incremental.Output);

        var status = await CliRunner.RunAsync("status", "--repo", _root);
        Assert.Equal(0, status.ExitCode);
        var lines = status.Output.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal($"Online store: Redis at {redis.ConnectionString}", lines[0]);
        Assert.StartsWith("VIEW", lines[1]);
        Assert.Matches($@"^driver_hourly_stats\s+{System.Text.RegularExpressions.Regex.Escape(Iso(T))}\s+\S+\s+2\s+\d+\.\d\d s\s+-\s+-$", lines[2]); // no schedule, no next run
        Assert.Equal(3, lines.Length); // offline-only views are not listed

        var registry = new FileRegistry(Path.Combine(_root, ".featurestore", "registry"));
        var definitions = (await registry.GetCurrentAsync())!.Definitions;
        var read = await new RedisOnlineStore(redis.Connection).ReadAsync(new OnlineReadRequest(definitions,
            definitions.ResolveReferences(["driver_hourly_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L, 2L, 3L] }, new DateTimeOffset(T)));
        Assert.Equal([30L, 20L, 40L], read.Columns[0].Select(v => v.Value));
    }

    [Fact]
    public async Task Status_flags_a_watermark_in_the_future()
    {
        await WriteRepositoryAsync();
        var registry = new FileRegistry(Path.Combine(_root, ".featurestore", "registry"));
        var future = new DateTimeOffset(T).AddDays(30);
        await registry.RecordMaterializationAsync(new ViewMaterializationState(
            "driver_hourly_stats", future, new DateTimeOffset(T), null, future, 4, TimeSpan.FromSeconds(1)));

        var status = await CliRunner.RunAsync("status", "--repo", _root);

        Assert.Equal(0, status.ExitCode);
        Assert.Contains($"{Iso(future.UtcDateTime)} (in the future!)", status.Output);
    }

    [Fact]
    public async Task Apply_that_changes_a_views_features_removes_its_online_data()
    {
        await WriteRepositoryAsync();
        var run = await CliRunner.RunAsync("materialize", "--repo", _root, "--start", Iso(T.AddDays(-1)), "--end", Iso(T));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.NotEqual("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));

        var yaml = Path.Combine(_root, "driver.yaml");
        await File.WriteAllTextAsync(yaml, (await File.ReadAllTextAsync(yaml)).Replace("      - {name: conv_rate, type: float32}\n", ""));
        var apply = await CliRunner.RunAsync("apply", "--repo", _root);

        Assert.True(apply.ExitCode == 0, apply.Error);
        Assert.Contains("Removed online data of feature views no longer served as defined: driver_hourly_stats.", apply.Output);
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
    }

    [Fact]
    public async Task Run_on_an_older_registry_version_refuses_and_keeps_what_the_newer_version_wrote()
    {
        await WriteRepositoryAsync();
        var registry = new FileRegistry(Path.Combine(_root, ".featurestore", "registry"));
        var older = (await registry.GetCurrentAsync())!;
        // An apply lands (conv_rate removed: a new schema) and a run on it materializes...
        var yaml = Path.Combine(_root, "driver.yaml");
        await File.WriteAllTextAsync(yaml, (await File.ReadAllTextAsync(yaml)).Replace("      - {name: conv_rate, type: float32}\n", ""));
        Assert.Equal(0, (await CliRunner.RunAsync("apply", "--repo", _root)).ExitCode);
        var newer = (await registry.GetCurrentAsync())!;
        var run = await CliRunner.RunAsync("materialize", "--repo", _root, "--start", Iso(T.AddDays(-1)), "--end", Iso(T));
        Assert.True(run.ExitCode == 0, run.Error);
        var written = await MaterializationHarness.SnapshotAsync(redis.Connection, _project);

        // ...then a run that loaded the older version before that apply gets the view's lock.
        var engine = new MaterializationEngine(new RedisOnlineStore(redis.Connection), new DuckDbOfflineStore(), registry);
        var refused = await Assert.ThrowsAsync<UserInputException>(() => engine.RunAsync(new MaterializationRequest
        {
            Definitions = older.Definitions,
            RegistryVersion = older.Number,
            RepositoryRoot = _root,
            Start = new DateTimeOffset(T.AddDays(-1)),
            End = new DateTimeOffset(T),
        }));

        Assert.Contains($"registry version {newer.Number}", refused.Message);
        Assert.Contains($"uses version {older.Number}", refused.Message);
        Assert.Equal(written, await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        var read = await new RedisOnlineStore(redis.Connection).ReadAsync(new OnlineReadRequest(newer.Definitions,
            newer.Definitions.ResolveReferences(["driver_hourly_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L, 2L, 3L] }, new DateTimeOffset(T)));
        Assert.Equal([30L, 20L, 40L], read.Columns[0].Select(v => v.Value));
    }

    [Theory]
    [InlineData("materialize --start yesterday --end now", "--start 'yesterday'")]
    [InlineData("materialize --start now --end 2020-01-01T00:00:00Z", "before --start")]
    [InlineData("materialize-incremental --end now --views nope", "'nope'")]
    [InlineData("materialize-incremental --end now --views driver_offline_only", "online: false")]
    public async Task Bad_input_exits_1_with_a_clear_message_and_writes_nothing(string arguments, string message)
    {
        await WriteRepositoryAsync();
        var result = await CliRunner.RunAsync([.. arguments.Split(' '), "--repo", _root, "--redis", redis.ConnectionString]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Equal("", await MaterializationHarness.SnapshotAsync(redis.Connection, _project));
        var status = await CliRunner.RunAsync("status", "--repo", _root);
        Assert.Contains("never", status.Output);
    }

    [Fact]
    public async Task Materialize_before_apply_says_to_apply_first()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "featurestore.yaml"), $"project: {_project}\nregistry: .featurestore/registry\n");
        var result = await CliRunner.RunAsync("materialize-incremental", "--repo", _root, "--end", "now", "--redis", redis.ConnectionString);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("featurestore apply", result.Error);
    }
}
