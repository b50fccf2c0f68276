using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Redis;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Server;

/// <summary>
/// A temporary feature repository for serving tests: a <c>featurestore.yaml</c> pointing at the online store under
/// test (a real Redis or the embedded store) and a registry folder of its own, definitions applied through the real registry, and online rows written through the
/// online store's real write API (the materializer's path). Every instance uses a fresh project, so tests sharing
/// one Redis never see each other's keys.
/// </summary>
internal sealed class ServingRepository : IAsyncDisposable
{
    private readonly StackExchange.Redis.ConnectionMultiplexer _connection;
    private readonly IReadOnlyList<string> _storeArguments;

    private ServingRepository(string folder, string project, IReadOnlyList<string> storeArguments, StackExchange.Redis.ConnectionMultiplexer connection)
    {
        Folder = folder;
        Project = project;
        _storeArguments = storeArguments;
        _connection = connection;
        Registry = new FileRegistry(Path.Combine(folder, ".featurestore", "registry"));
        Store = new RedisOnlineStore(connection);
        Definitions = ServingDefinitions.Create(project);
    }

    public string Folder { get; }

    public string Project { get; }

    public FileRegistry Registry { get; }

    public RedisOnlineStore Store { get; }

    /// <summary>The definitions last applied.</summary>
    public DefinitionSet Definitions { get; private set; }

    /// <summary>
    /// Creates the folder over a Redis of the test's own and applies <see cref="ServingDefinitions.Create"/> (unless
    /// not <paramref name="apply"/>).
    /// </summary>
    public static Task<ServingRepository> CreateAsync(string redisConnectionString, bool apply = true) => CreateAsync($"""
        online_store:
          type: redis
          connection_string: "{redisConnectionString}"
        """, redisConnectionString, ["--redis", redisConnectionString], apply);

    /// <summary>Creates the folder over the backend under test and applies <see cref="ServingDefinitions.Create"/>.</summary>
    public static Task<ServingRepository> CreateAsync(IOnlineBackend backend) =>
        CreateAsync(backend.OnlineStoreYaml, backend.ConnectionString, backend.StoreArguments, apply: true);

    private static async Task<ServingRepository> CreateAsync(
        string onlineStoreYaml, string connectionString, IReadOnlyList<string> storeArguments, bool apply)
    {
        var project = RedisFixture.UniqueProject("srv");
        var folder = Directory.CreateTempSubdirectory("featurestore-serving-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "featurestore.yaml"), $"""
            project: {project}
            {onlineStoreYaml}
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);
        var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connectionString + ",abortConnect=false");
        var repository = new ServingRepository(folder, project, storeArguments, connection);
        if (apply)
        {
            await repository.ApplyAsync(repository.Definitions);
        }
        return repository;
    }

    public async Task ApplyAsync(DefinitionSet definitions)
    {
        await Registry.ApplyAsync(definitions);
        Definitions = definitions;
    }

    /// <summary>Writes one row of a view; <paramref name="keys"/> maps join key to value.</summary>
    public async Task WriteAsync(
        string view, IReadOnlyDictionary<string, object> keys, IReadOnlyList<object?> values, DateTimeOffset eventTimestamp)
    {
        await using var writer = await Store.OpenViewWriterAsync(Definitions, Definitions.GetFeatureView(view));
        await writer.WriteRowAsync(writer.Layout.KeyEntities.Select(e => keys[e.JoinKey]).ToArray(), values, eventTimestamp);
        await writer.FlushAsync();
    }

    /// <summary>Writes one row of a single-entity view.</summary>
    public Task WriteAsync(string view, object key, IReadOnlyList<object?> values, DateTimeOffset eventTimestamp)
    {
        var joinKey = Definitions.EntitiesOf(Definitions.GetFeatureView(view)).Single().JoinKey;
        return WriteAsync(view, new Dictionary<string, object> { [joinKey] = key }, values, eventTimestamp);
    }

    /// <summary>Starts the real server host on loopback with free ports over this repository.</summary>
    public Task<ServingServer> StartServerAsync(params string[] extraArgs) => ServingServer.StartAsync(ServerArguments(extraArgs));

    /// <summary>
    /// Starts the server with <paramref name="environment"/> as its only <c>FEATURESTORE_*</c> variables (secrets such
    /// as read tokens and the TLS password have no flag), logging to <paramref name="log"/> too.
    /// </summary>
    public Task<ServingServer> StartServerAsync(IReadOnlyDictionary<string, string?> environment, ILoggerProvider? log, params string[] extraArgs) =>
        ServingServer.StartAsync(FeatureStore.Server.Configuration.ServerArguments.Parse(ServerArguments(extraArgs), environment), log);

    private string[] ServerArguments(string[] extraArgs) =>
    [
        "--repo", Folder, .. _storeArguments, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", "--registry-poll-ms", "200",
        .. extraArgs,
    ];

    public async ValueTask DisposeAsync()
    {
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
