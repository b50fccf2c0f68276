using StackExchange.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// One Redis Cluster for the cluster-backend tests: <c>FEATURESTORE_TEST_REDIS_CLUSTER</c> (a connection string
/// naming one or more of its nodes), else a local cluster of 3 primaries with one replica each. Without redis-server
/// the tests fail and say how to get it: they never skip.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime, IOnlineBackend
{
    public const string Variable = "FEATURESTORE_TEST_REDIS_CLUSTER";

    private LocalRedisCluster? _cluster;

    public string Name => "redis-cluster";

    public string ConnectionString { get; private set; } = "";

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public string OnlineStoreYaml => $"""
        online_store:
          type: redis
          connection_string: "{ConnectionString}"
        """;

    public IReadOnlyList<string> StoreArguments => ["--redis", ConnectionString];

    /// <summary>How the cluster was provided, for test output.</summary>
    public string Provider { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            ConnectionString = fromEnvironment;
            Provider = Variable;
        }
        else
        {
            // A node timeout long enough that a busy machine does not fail a node over in the middle of a test.
            _cluster = await LocalRedisCluster.StartAsync(primaries: 3, replicasPerPrimary: 1, nodeTimeout: TimeSpan.FromSeconds(5));
            ConnectionString = _cluster.ConnectionString;
            Provider = $"local Redis Cluster at {ConnectionString}";
        }
        Connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true,abortConnect=false");
        var primaries = (await PrimaryServersAsync(Connection, "probe")).Length;
        if (primaries < 2)
        {
            throw new InvalidOperationException(
                $"{Provider} is not a Redis Cluster with several primaries (found {primaries}); the cluster tests need one.");
        }
    }

    /// <summary>The primaries holding a project's data (every primary of the cluster), by the client's view of the topology.</summary>
    public static Task<IServer[]> PrimaryServersAsync(IConnectionMultiplexer connection, string project) =>
        new FeatureStore.Redis.RedisOnlineStore(connection).PrimariesAsync(new FeatureStore.Redis.OnlineKeyLayout(project));

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
