using StackExchange.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// An online store the integration tests run against: a real Redis (<see cref="RedisFixture"/>), a Redis Cluster
/// (<see cref="RedisClusterFixture"/>) or the embedded Garnet (<see cref="EmbeddedStoreFixture"/>). Core cases are
/// written once against this and run on each.
/// </summary>
public interface IOnlineBackend
{
    /// <summary>"redis", "redis-cluster" or "embedded", for test output.</summary>
    string Name { get; }

    /// <summary>A StackExchange.Redis configuration string reaching the store (loopback for the embedded one).</summary>
    string ConnectionString { get; }

    /// <summary>A shared client with admin commands allowed, for tests that inspect keys directly.</summary>
    ConnectionMultiplexer Connection { get; }

    /// <summary>The <c>online_store:</c> section of a <c>featurestore.yaml</c> whose store is this backend.</summary>
    string OnlineStoreYaml { get; }

    /// <summary>Command-line arguments the CLI and the server need on top of that file (Redis: <c>--redis</c>).</summary>
    IReadOnlyList<string> StoreArguments { get; }
}
