using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Registry;
using FeatureStore.DuckDb;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Offline;
using FeatureStore.Tests.Server;
using StackExchange.Redis;

namespace FeatureStore.Tests.Ingestion;

/// <summary>
/// A real feature repository for push tests: YAML with a Parquet batch source (a folder, with a field_mapping) and a
/// push source feeding two views, applied through the real loader and registry, one batch file already in the
/// folder, a fresh project in the test Redis, and the real server over it. Helpers read back what a push changed:
/// online values over HTTP, the Redis keys, the files of the source folder, training sets and materialization.
/// </summary>
internal sealed class PushRepository : IAsyncDisposable
{
    /// <summary>Rows of the batch file: a little before <see cref="T0"/>, so pushes can be older or newer.</summary>
    public static readonly DateTimeOffset T0 = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(-6);

    private readonly ConnectionMultiplexer _connection;

    private PushRepository(string folder, string project, string redis, ConnectionMultiplexer connection)
    {
        Folder = folder;
        Project = project;
        RedisConnectionString = redis;
        _connection = connection;
        Registry = new FileRegistry(Path.Combine(folder, ".featurestore", "registry"));
        Store = new RedisOnlineStore(connection);
    }

    public string Folder { get; }

    public string Project { get; }

    public string RedisConnectionString { get; }

    public FileRegistry Registry { get; }

    public RedisOnlineStore Store { get; }

    public string DataFolder => Path.Combine(Folder, "data", "driver_stats");

    public ServingServer Server { get; private set; } = null!;

    public static string Definitions(string batchPath = "data/driver_stats/") => $$"""
        entities:
          - name: driver
            join_key: driver_id
            value_type: int64
        sources:
          - name: driver_stats_source
            path: {{batchPath}}
            timestamp_field: event_timestamp
            created_timestamp_field: created
            field_mapping:
              conv: conv_rate
          - name: driver_stats_push
            type: push
            batch_source: driver_stats_source
        feature_views:
          - name: driver_hourly_stats
            entities: [driver]
            source: driver_stats_push
            features:
              - {name: conv_rate, type: float32}
              - {name: acc_rate, type: float64}
              - {name: avg_daily_trips, type: int64}
          - name: driver_ratios
            entities: [driver]
            source: driver_stats_push
            features:
              - {name: trip_ratios, type: list<float64>}
        """;

    /// <summary>Creates the repository, applies it and starts the server with <paramref name="serverArgs"/>.</summary>
    public static async Task<PushRepository> StartAsync(string redisConnectionString, string[]? serverArgs = null, string batchPath = "data/driver_stats/")
    {
        var project = RedisFixture.UniqueProject("push");
        var folder = Directory.CreateTempSubdirectory("featurestore-push-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "featurestore.yaml"), $"""
            project: {project}
            online_store:
              type: redis
              connection_string: "{redisConnectionString}"
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "definitions.yaml"), Definitions(batchPath));
        await WriteBatchFileAsync(Path.Combine(folder, "data", "driver_stats", "part-0.parquet"));
        var connection = await ConnectionMultiplexer.ConnectAsync(redisConnectionString + ",abortConnect=false");
        var repository = new PushRepository(folder, project, redisConnectionString, connection);
        try
        {
            var loaded = await RepositoryLoader.LoadAsync(folder, new DuckDbSourceSchemaReader());
            await repository.Registry.ApplyAsync(loaded.Definitions);
            repository.Server = await ServingServer.StartAsync([
                "--repo", folder, "--redis", redisConnectionString, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", .. serverArgs ?? [],
            ]);
        }
        catch
        {
            await repository.DisposeAsync();
            throw;
        }
        return repository;
    }

    /// <summary>
    /// Drivers 1001 and 1002 at <see cref="T0"/>. The Parquet names conv_rate 'conv' (field_mapping) and holds
    /// avg_daily_trips (int64) as INTEGER, so an offline push must rename and narrow.
    /// </summary>
    public static Task WriteBatchFileAsync(string path) => TestParquet.WriteAsync(path,
        new TestColumn("driver_id", "BIGINT", [1001L, 1002L]),
        new TestColumn("event_timestamp", "TIMESTAMP", [T0.UtcDateTime, T0.UtcDateTime]),
        new TestColumn("created", "TIMESTAMP", [T0.UtcDateTime, T0.UtcDateTime]),
        new TestColumn("conv", "FLOAT", [0.25f, 0.5f]),
        new TestColumn("acc_rate", "DOUBLE", [0.75, 0.5]),
        new TestColumn("avg_daily_trips", "INTEGER", [10, 20]),
        new TestColumn("trip_ratios", "DOUBLE[]", [new[] { 1.5, 2.0 }, new[] { 0.5 }]));

    /// <summary>A push body for driver rows at the given times, with distinct values per row.</summary>
    public static object Body(string to, params (long Driver, DateTimeOffset Event, double Value)[] rows) => new Dictionary<string, object?>
    {
        ["push_source_name"] = "driver_stats_push",
        ["to"] = to,
        ["df"] = Frame(rows),
    };

    public static Dictionary<string, object?[]> Frame(params (long Driver, DateTimeOffset Event, double Value)[] rows) => new()
    {
        ["driver_id"] = rows.Select(r => (object?)r.Driver).ToArray(),
        ["event_timestamp"] = rows.Select(r => (object?)r.Event.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz")).ToArray(),
        ["created"] = rows.Select(r => (object?)r.Event.ToString("O")).ToArray(),
        ["conv_rate"] = rows.Select(r => (object?)r.Value).ToArray(),
        ["acc_rate"] = rows.Select(r => (object?)(r.Value + 1)).ToArray(),
        ["avg_daily_trips"] = rows.Select(r => (object?)(long)(r.Value * 100)).ToArray(),
        ["trip_ratios"] = rows.Select(r => (object?)new[] { r.Value, 2.0 }).ToArray(),
    };

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body, string? token = null, string contentType = "application/json") =>
        await PostTextAsync(path, JsonSerializer.Serialize(body), token, contentType);

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostTextAsync(string path, string body, string? token = null, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>The online values of the push views for <paramref name="drivers"/>, read over HTTP: feature name to one JSON value per driver.</summary>
    public async Task<Dictionary<string, JsonElement[]>> ReadOnlineAsync(params long[] drivers)
    {
        var (status, body) = await PostAsync("/get-online-features", new
        {
            features = new[] { "driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips", "driver_ratios:trip_ratios" },
            entities = new { driver_id = drivers },
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var names = body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()!).ToArray();
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        return names.Select((n, i) => (n, results[i].GetProperty("values").EnumerateArray().ToArray()))
            .ToDictionary(p => p.n, p => p.Item2);
    }

    /// <summary>Every Redis key of the project (entity hashes and the view list).</summary>
    public async Task<IReadOnlyList<string>> RedisKeysAsync()
    {
        var keys = new List<string>();
        var layout = new OnlineKeyLayout(Project);
        await foreach (var key in _connection.GetServers().Single().KeysAsync(pattern: layout.EntityKeyPattern))
        {
            keys.Add(Convert.ToHexString((byte[])key!));
        }
        if (await _connection.GetDatabase().KeyExistsAsync(layout.ViewsKey))
        {
            keys.Add((string)layout.ViewsKey!);
        }
        return keys;
    }

    public IReadOnlyList<string> DataFiles() => TrainingSetFiles.FilesIn(DataFolder).Order(StringComparer.Ordinal).ToArray();

    public async Task<RegistryVersion> CurrentVersionAsync() =>
        await Registry.GetCurrentAsync() ?? throw new InvalidOperationException("Nothing applied.");

    /// <summary>Materializes the push views over [start, end] with the real engine, as the CLI does.</summary>
    public async Task<IReadOnlyList<ViewMaterializationSummary>> MaterializeAsync(DateTimeOffset start, DateTimeOffset end)
    {
        var version = await CurrentVersionAsync();
        var engine = new MaterializationEngine(Store, new DuckDbOfflineStore(), Registry);
        return await engine.RunAsync(new MaterializationRequest
        {
            Definitions = version.Definitions,
            RegistryVersion = version.Number,
            RepositoryRoot = Folder,
            Start = start,
            End = end,
            WaitForLock = true,
        });
    }

    /// <summary>A training set of the push views' features for (driver, time) rows, read back.</summary>
    public async Task<TrainingSetFiles.Table> TrainingSetAsync(params (long Driver, DateTimeOffset At)[] rows)
    {
        var version = await CurrentVersionAsync();
        var work = Directory.CreateTempSubdirectory("featurestore-push-ts-").FullName;
        try
        {
            var entities = Path.Combine(work, "entities.csv");
            await File.WriteAllLinesAsync(entities, ["driver_id,event_timestamp", .. rows.Select(r => $"{r.Driver},{r.At.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}")]);
            var output = Path.Combine(work, "training.parquet");
            await new DuckDbOfflineStore().WriteTrainingSetAsync(new TrainingSetRequest
            {
                Definitions = version.Definitions,
                RepositoryRoot = Folder,
                Features = version.Definitions.ResolveReferences(["driver_hourly_stats", "driver_ratios"]),
                EntityFile = entities,
                OutputPath = output,
            });
            return await TrainingSetFiles.ReadAsync(output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        await _connection.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
