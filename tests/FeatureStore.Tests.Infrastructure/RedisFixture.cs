using DotNet.Testcontainers.Configurations;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// One real Redis for every integration test, found in this order: <c>FEATURESTORE_TEST_REDIS</c> (a connection
/// string); a Testcontainers container when a Docker engine answers; a <c>redis-server</c> from PATH on a free
/// loopback port with its own temporary folder. With none of them the tests fail and say how to get Redis:
/// integration tests never skip silently.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime, IOnlineBackend
{
    private RedisContainer? _container;
    private LocalRedisServer? _server;

    /// <summary>A StackExchange.Redis configuration string for the Redis under test.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Shared by tests that only need a client; tests that test connection handling make their own.</summary>
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public string Name => "redis";

    public string OnlineStoreYaml => $"""
        online_store:
          type: redis
          connection_string: "{ConnectionString}"
        """;

    public IReadOnlyList<string> StoreArguments => ["--redis", ConnectionString];

    /// <summary>How Redis was provided, for test output.</summary>
    public string Provider { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FEATURESTORE_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            ConnectionString = fromEnvironment;
            Provider = "FEATURESTORE_TEST_REDIS";
        }
        else if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            _container = new RedisBuilder("redis:7.4-alpine").Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            Provider = "Testcontainers";
        }
        else if (LocalRedisServer.FindExecutable() is not null)
        {
            _server = await LocalRedisServer.StartAsync();
            ConnectionString = _server.ConnectionString;
            Provider = $"local redis-server on port {_server.Port}";
        }
        else
        {
            throw new InvalidOperationException(
                "Integration tests need Redis and none was found. Set FEATURESTORE_TEST_REDIS to a connection " +
                "string (e.g. localhost:6379), start a Docker engine, or install redis-server " +
                "(Debian: apt-get install -y redis-server).");
        }

        Connection = await ConnectionMultiplexer.ConnectAsync(WithAdmin(ConnectionString));
        await Connection.GetDatabase().PingAsync();
    }

    /// <summary>A fresh key prefix (project name) so tests sharing one Redis never see each other's keys.</summary>
    public static string UniqueProject(string stem = "t") => $"{stem}_{Guid.NewGuid():N}"[..(stem.Length + 13)];

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static string WithAdmin(string connectionString) => connectionString + ",allowAdmin=true,abortConnect=false";
}
