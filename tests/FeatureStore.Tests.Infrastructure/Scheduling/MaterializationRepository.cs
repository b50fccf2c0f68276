using FeatureStore.Core.Registry;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;

namespace FeatureStore.Tests.Scheduling;

/// <summary>
/// A feature repository applied through the real CLI, with Parquet data dated just before the wall clock (the server
/// and the CLI run on it): <c>driver_hourly_stats</c> and <c>driver_daily_stats</c> online (each its own source file),
/// <c>driver_offline_only</c> offline, and optionally featurestore.yaml's <c>materialization.schedule</c> and a
/// schedule of the daily view's own.
/// </summary>
internal sealed class MaterializationRepository : IDisposable
{
    /// <summary>The start of the current hour: every row lies before it, so "now" covers them all.</summary>
    public static readonly DateTime T = new(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, DateTimeKind.Utc);

    private MaterializationRepository(string root, string project, string redis)
    {
        Root = root;
        Project = project;
        RedisConnectionString = redis;
        Registry = new FileRegistry(Path.Combine(root, ".featurestore", "registry"));
    }

    public string Root { get; }

    public string Project { get; }

    public string RedisConnectionString { get; }

    public FileRegistry Registry { get; }

    public static async Task<MaterializationRepository> CreateAsync(string redis, string? defaultSchedule = null, string? dailySchedule = null)
    {
        var repository = new MaterializationRepository(
            Directory.CreateTempSubdirectory("featurestore-sched-").FullName, RedisFixture.UniqueProject("sch"), redis);
        var root = repository.Root;
        var materialization = defaultSchedule is null ? "" : $"materialization:\n  schedule: \"{defaultSchedule}\"\n";
        await File.WriteAllTextAsync(Path.Combine(root, "featurestore.yaml"), $"""
            project: {repository.Project}
            online_store:
              type: redis
              connection_string: "{redis}"
            offline_store:
              type: duckdb
            registry: .featurestore/registry

            """ + materialization);
        var daily = dailySchedule is null ? "" : $"    schedule: \"{dailySchedule}\"\n";
        await File.WriteAllTextAsync(Path.Combine(root, "driver.yaml"), """
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
                created_timestamp_field: created
              - name: driver_daily_source
                path: data/driver_daily.parquet
                timestamp_field: event_timestamp
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
              - name: driver_daily_stats
                entities: [driver]
                source: driver_daily_source
                ttl: 2d
                features:
                  - {name: rating, type: float64}

            """ + daily);
        DateTime[] times = [T.AddHours(-5), T.AddHours(-4), T.AddHours(-2), T.AddHours(-1)];
        await TestParquet.WriteAsync(Path.Combine(root, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 1L, 3L]),
            new TestColumn("event_timestamp", "TIMESTAMP", times.Cast<object?>().ToArray()),
            new TestColumn("created", "TIMESTAMP", times.Cast<object?>().ToArray()),
            new TestColumn("conv_rate", "FLOAT", [0.1f, 0.2f, 0.3f, 0.4f]),
            new TestColumn("trips", "BIGINT", [10L, 20L, 30L, 40L]));
        await TestParquet.WriteAsync(Path.Combine(root, "data", "driver_daily.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T.AddHours(-3), T.AddHours(-3)]),
            new TestColumn("rating", "DOUBLE", [4.5, 4.8]));
        var apply = await CliRunner.RunAsync("apply", "--repo", root);
        Assert.True(apply.ExitCode == 0, apply.Error);
        return repository;
    }

    /// <summary>The real server over this repository on loopback ports chosen by the OS.</summary>
    public Task<ServingServer> StartServerAsync(params string[] extraArgs) =>
        ServingServer.StartAsync([
            "--repo", Root, "--redis", RedisConnectionString, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", "--registry-poll-ms", "200",
            .. extraArgs,
        ]);

    public async Task<ViewMaterializationState?> StateOfAsync(string view) =>
        (await Registry.GetMaterializationStateAsync()).FirstOrDefault(s => s.View == view);

    /// <summary>Waits (at most 30 s) until <paramref name="done"/> holds for the view's state.</summary>
    public async Task<ViewMaterializationState> WaitForStateAsync(string view, Func<ViewMaterializationState, bool>? done = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await StateOfAsync(view) is { } state && (done is null || done(state)))
            {
                return state;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No materialization of {view} was recorded within 30 s.");
            }
            await Task.Delay(50);
        }
    }

    public static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ssZ");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
