using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using FeatureStore.DuckDb;
using FeatureStore.Protos.V1;
using FeatureStore.Redis;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;
using StackExchange.Redis;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// A feature repository on disk for logging and audit tests: Parquet sources around the wall clock (the server reads
/// as of now), the definitions applied to a file registry, everything materialized into the test Redis by the real
/// engine, and the real server logging the service <see cref="Service"/> at rate 1.0 (flush interval one hour, so files
/// appear on shutdown). <c>driver_stats</c> (created timestamps, TTL 1 day) has rows at T0-3h, T0-2h, T0-1h for drivers
/// 1..59; <c>driver_profile</c> (no created timestamps, no TTL, a list feature) one row at T0-2d for drivers 1..59;
/// driver 60 has no rows and driver 999 is unknown.
/// </summary>
internal sealed class AuditRepository : IAsyncDisposable
{
    public const string Service = "driver_activity_v1";
    public const int Drivers = 60;

    public static readonly string[] StatsFeatures = ["driver_stats:conv_rate", "driver_stats:trips", "driver_stats:label"];
    public static readonly string[] ProfileFeatures = ["driver_profile:rating", "driver_profile:tags"];
    public static readonly string[] AllFeatures = [.. StatsFeatures, .. ProfileFeatures];

    private readonly ConnectionMultiplexer _connection;
    private readonly Dictionary<long, (float Conv, long Trips, string? Label, DateTime Event, DateTime Created)> _latestStats = new();

    private AuditRepository(string root, string project, string redis, ConnectionMultiplexer connection, DateTimeOffset t0)
    {
        Root = root;
        Project = project;
        RedisConnectionString = redis;
        _connection = connection;
        T0 = t0;
        Registry = new FileRegistry(Path.Combine(root, ".featurestore", "registry"));
        Store = new RedisOnlineStore(connection);
    }

    public string Root { get; }

    public string Project { get; }

    public string RedisConnectionString { get; }

    /// <summary>When the data was made: every source row is before it, every request after it.</summary>
    public DateTimeOffset T0 { get; }

    public FileRegistry Registry { get; }

    public RedisOnlineStore Store { get; }

    public DefinitionSet Definitions { get; private set; } = null!;

    public string LogFolder => Path.Combine(Root, "logs", Service);

    /// <summary>Every entity row served so far, in order: its driver id.</summary>
    public List<long> ServedDrivers { get; } = [];

    /// <summary>The request ids the server returned (header or trailer).</summary>
    public HashSet<string> RequestIds { get; } = [];

    public static async Task<AuditRepository> CreateAsync(
        string redis, double sampleRate = 1.0, string? logPath = null, bool materialize = true, string flushInterval = "1h", bool logAdHoc = false)
    {
        var project = RedisFixture.UniqueProject("aud");
        var root = Directory.CreateTempSubdirectory("featurestore-audit-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "featurestore.yaml"), $"""
            project: {project}
            online_store:
              type: redis
              connection_string: "{redis}"
            registry: .featurestore/registry
            logging:
              path: {logPath ?? "logs"}
              flush_interval: {flushInterval}
              log_ad_hoc: {(logAdHoc ? "true" : "false")}
            """);
        var connection = await ConnectionMultiplexer.ConnectAsync(redis + ",abortConnect=false");
        var now = DateTimeOffset.UtcNow;
        var repository = new AuditRepository(root, project, redis, connection, new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero));
        await repository.WriteSourcesAsync();
        repository.Definitions = CreateDefinitions(project, sampleRate);
        await repository.Registry.ApplyAsync(repository.Definitions);
        if (materialize)
        {
            await repository.MaterializeAsync(repository.T0);
        }
        return repository;
    }

    private static DefinitionSet CreateDefinitions(string project, double sampleRate)
    {
        static FeatureDefinition F(string name, string type) => new() { Name = name, Type = FeatureType.Parse(type) };
        return new DefinitionSet
        {
            Project = project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") }],
            Sources =
            [
                new SourceDefinition { Name = "driver_stats_source", Path = "data/driver_stats", TimestampField = "event_timestamp", CreatedTimestampField = "created" },
                new SourceDefinition { Name = "driver_profile_source", Path = "data/driver_profile.parquet", TimestampField = "event_timestamp" },
            ],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "driver_stats", Entities = ["driver"], Source = "driver_stats_source", Ttl = TimeSpan.FromDays(1),
                    Features = [F("conv_rate", "float32"), F("trips", "int64"), F("label", "string")],
                },
                new FeatureViewDefinition
                {
                    Name = "driver_profile", Entities = ["driver"], Source = "driver_profile_source",
                    Features = [F("rating", "float64"), F("tags", "list<string>")],
                },
            ],
            FeatureServices =
            [
                new FeatureServiceDefinition
                {
                    Name = Service, Features = ["driver_stats", "driver_profile:rating", "driver_profile:tags"],
                    Logging = new FeatureServiceLogging { SampleRate = sampleRate },
                },
            ],
        };
    }

    private async Task WriteSourcesAsync()
    {
        var random = new Random(17);
        var t0 = T0.UtcDateTime;
        var ids = new List<object?>();
        var events = new List<object?>();
        var created = new List<object?>();
        var conv = new List<object?>();
        var trips = new List<object?>();
        var labels = new List<object?>();
        for (long driver = 1; driver < Drivers; driver++)
        {
            foreach (var hoursAgo in new[] { 3, 2, 1 })
            {
                var e = t0.AddHours(-hoursAgo);
                var row = (Conv: random.NextSingle(), Trips: (long)random.Next(0, 1000), Label: random.Next(0, 10) == 0 ? null : $"L{random.Next(0, 5)}");
                ids.Add(driver);
                events.Add(e);
                created.Add(e.AddMinutes(1));
                conv.Add(row.Conv);
                trips.Add(row.Trips);
                labels.Add(row.Label);
                _latestStats[driver] = (row.Conv, row.Trips, row.Label, e, e.AddMinutes(1));
            }
        }
        await TestParquet.WriteAsync(Path.Combine(Root, "data", "driver_stats", "part-0.parquet"),
            new TestColumn("driver_id", "BIGINT", ids), new TestColumn("event_timestamp", "TIMESTAMP", events),
            new TestColumn("created", "TIMESTAMP", created), new TestColumn("conv_rate", "FLOAT", conv),
            new TestColumn("trips", "BIGINT", trips), new TestColumn("label", "VARCHAR", labels));

        var profileIds = Enumerable.Range(1, Drivers - 1).Select(d => (object?)(long)d).ToArray();
        await TestParquet.WriteAsync(Path.Combine(Root, "data", "driver_profile.parquet"),
            new TestColumn("driver_id", "BIGINT", profileIds),
            new TestColumn("event_timestamp", "TIMESTAMP", profileIds.Select(_ => (object?)t0.AddDays(-2)).ToArray()),
            new TestColumn("rating", "DOUBLE", profileIds.Select(_ => (object?)Math.Round(random.NextDouble() * 5, 3)).ToArray()),
            new TestColumn("tags", "VARCHAR[]", profileIds.Select(d => (long)d! % 4 == 0 ? null : (object?)Enumerable.Range(0, (int)((long)d! % 3)).Select(i => $"t{i}").ToArray()).ToArray()));
    }

    /// <summary>The newest driver_stats row of a driver in the first source file.</summary>
    public (float Conv, long Trips, string? Label, DateTime Event, DateTime Created) LatestStats(long driver) => _latestStats[driver];

    /// <summary>Adds a driver_stats source file (a late or new batch of rows).</summary>
    public Task AddStatsFileAsync(string name, params (long Driver, DateTime Event, DateTime Created, float Conv, long Trips, string? Label)[] rows) =>
        TestParquet.WriteAsync(Path.Combine(Root, "data", "driver_stats", name),
            new TestColumn("driver_id", "BIGINT", rows.Select(r => (object?)r.Driver).ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", rows.Select(r => (object?)r.Event).ToArray()),
            new TestColumn("created", "TIMESTAMP", rows.Select(r => (object?)r.Created).ToArray()),
            new TestColumn("conv_rate", "FLOAT", rows.Select(r => (object?)r.Conv).ToArray()),
            new TestColumn("trips", "BIGINT", rows.Select(r => (object?)r.Trips).ToArray()),
            new TestColumn("label", "VARCHAR", rows.Select(r => (object?)r.Label).ToArray()));

    public Task MaterializeAsync(DateTimeOffset end) =>
        new MaterializationEngine(Store, new DuckDbOfflineStore(), Registry).RunAsync(new MaterializationRequest
        {
            Definitions = Definitions,
            RepositoryRoot = Root,
            Start = T0.AddDays(-30),
            End = end,
            RegistryVersion = 1,
        });

    /// <summary>Writes one driver_stats row straight to the online store, as a push would.</summary>
    public async Task WriteOnlineStatsAsync(long driver, DateTimeOffset eventTimestamp, DateTimeOffset? createdTimestamp, float conv, long trips, string? label)
    {
        await using var writer = await Store.OpenViewWriterAsync(Definitions, Definitions.GetFeatureView("driver_stats"), 1);
        await writer.WriteRowAsync([driver], [conv, trips, label], eventTimestamp, createdTimestamp);
        await writer.FlushAsync();
    }

    /// <summary>Deletes a driver's entity key (every view of it) from Redis.</summary>
    public async Task RemoveDriverFromRedisAsync(long driver)
    {
        var keys = new OnlineKeyLayout(Project).ForView(Definitions, Definitions.GetFeatureView("driver_stats"));
        var encoded = new EntityKeyWriter();
        encoded.AppendInt64(driver);
        Assert.True(await _connection.GetDatabase().KeyDeleteAsync(keys.BuildKey(encoded.Written)));
    }

    public Task<ServingServer> StartServerAsync(params string[] extraArgs) =>
        ServingServer.StartAsync([
            "--repo", Root, "--redis", RedisConnectionString, "--http-port", "0", "--grpc-port", "0", "--registry-poll-ms", "200", .. extraArgs,
        ]);

    /// <summary>
    /// <paramref name="count"/> lookups of the service, alternating gRPC and HTTP, each for 1 to 4 random drivers of
    /// 1..60 and the unknown 999 (repeats allowed), recording the drivers and the returned request ids.
    /// </summary>
    public async Task ServeRandomAsync(ServingServer server, int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var drivers = Enumerable.Range(0, random.Next(1, 5))
                .Select(_ => random.Next(0, 20) == 0 ? 999L : random.Next(1, Drivers + 1)).ToArray();
            RequestIds.Add(i % 2 == 0 ? await LookUpGrpcAsync(server, drivers) : await LookUpHttpAsync(server, drivers));
            ServedDrivers.AddRange(drivers);
        }
    }

    public async Task<string> LookUpGrpcAsync(ServingServer server, long[] drivers)
    {
        var request = new GetOnlineFeaturesRequest { FeatureService = Service };
        var column = new RepeatedValue();
        column.Val.Add(drivers.Select(d => new Value { Int64Val = d }));
        request.Entities.Add("driver_id", column);
        using var call = server.Client.Serving.GetOnlineFeaturesAsync(request);
        await call.ResponseAsync;
        return call.GetTrailers().GetValue(ServedFeatureLoggerNames.GrpcTrailer)
            ?? throw new InvalidOperationException("The gRPC answer has no request-id trailer.");
    }

    public async Task<string> LookUpHttpAsync(ServingServer server, long[] drivers)
    {
        using var response = await server.Http.PostAsJsonAsync("/get-online-features",
            new { feature_service = Service, entities = new { driver_id = drivers } });
        response.EnsureSuccessStatusCode();
        return response.Headers.TryGetValues(ServedFeatureLoggerNames.HttpHeader, out var values)
            ? values.Single()
            : throw new InvalidOperationException("The HTTP answer has no x-request-id header.");
    }

    /// <summary>Runs <c>featurestore audit --json</c> and parses the report.</summary>
    public async Task<(int ExitCode, JsonElement Report, string Error)> AuditAsync(params string[] extraArgs)
    {
        var result = await CliRunner.RunAsync(["audit", "--repo", Root, "--service", Service, "--json", .. extraArgs]);
        Assert.True(result.Output.Length > 0, $"audit printed nothing; exit {result.ExitCode}: {result.Error}");
        using var document = JsonDocument.Parse(result.Output);
        return (result.ExitCode, document.RootElement.Clone(), result.Error);
    }

    /// <summary>The mismatch file's rows as (driver, feature, cause) with their counts.</summary>
    public static async Task<Dictionary<(long Driver, string Feature, string Cause), int>> MismatchesAsync(string file)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT driver_id, feature, cause, count(*) FROM read_parquet('{file.Replace("'", "''")}') GROUP BY ALL";
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<(long, string, string), int>();
        while (await reader.ReadAsync())
        {
            result[(reader.GetInt64(0), reader.GetString(1), reader.GetString(2))] = (int)reader.GetInt64(3);
        }
        return result;
    }

    /// <summary>What the mismatch file must hold when every served row of <paramref name="drivers"/> mismatches on <paramref name="features"/>.</summary>
    public Dictionary<(long Driver, string Feature, string Cause), int> Expected(string cause, IEnumerable<long> drivers, IEnumerable<string> features)
    {
        var expected = new Dictionary<(long, string, string), int>();
        foreach (var driver in drivers)
        {
            var rows = ServedDrivers.Count(d => d == driver);
            Assert.True(rows > 0, $"driver {driver} was never served; the test needs it in the traffic");
            foreach (var feature in features)
            {
                expected[(driver, feature, cause)] = rows;
            }
        }
        return expected;
    }

    /// <summary>Applies the definitions again with the service listing only <paramref name="features"/>.</summary>
    public async Task ApplyServiceAsync(params string[] features)
    {
        Definitions = Definitions with
        {
            FeatureServices = [Definitions.FeatureServices.Single() with { Features = features }],
        };
        await Registry.ApplyAsync(Definitions);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>The request-id names, spelled once for the tests.</summary>
internal static class ServedFeatureLoggerNames
{
    public const string HttpHeader = FeatureStore.Server.Logging.ServedFeatureLogger.HttpHeader;
    public const string GrpcTrailer = FeatureStore.Server.Logging.ServedFeatureLogger.GrpcTrailer;
}
