using FeatureStore.Server.Configuration;
using StackExchange.Redis;

namespace FeatureStore.Server.OnlineStore;

/// <summary>
/// The one shared Redis multiplexer of the server, configured so that an outage fails requests fast instead of
/// queueing them (fail-fast backlog, bounded timeouts) and so the connection comes back by itself soon after Redis
/// does (short linear reconnect retry).
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    public RedisConnection(string connectionString, ServerOptions options, ILogger<RedisConnection> logger)
    {
        var configuration = Configure(connectionString, options);
        // Never throws for an unreachable Redis: the multiplexer keeps reconnecting and the health probe reports it.
        Multiplexer = ConnectionMultiplexer.Connect(configuration);
        Description = string.Join(",", configuration.EndPoints.Select(e => e.ToString()));
        Multiplexer.ConnectionFailed += (_, e) =>
            logger.LogWarning("Lost the connection to Redis at {EndPoint}: {FailureType}.", e.EndPoint, e.FailureType);
        Multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Reconnected to Redis at {EndPoint}.", e.EndPoint);
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>The endpoints, for logs and error messages (never the password).</summary>
    public string Description { get; }

    internal static ConfigurationOptions Configure(string connectionString, ServerOptions options)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        var timeoutMs = (int)Math.Ceiling(options.StoreTimeout.TotalMilliseconds);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        if (!Mentions(connectionString, "connectTimeout"))
        {
            configuration.ConnectTimeout = Math.Min(timeoutMs, 2000);
        }
        if (!Mentions(connectionString, "asyncTimeout"))
        {
            configuration.AsyncTimeout = timeoutMs;
        }
        if (!Mentions(connectionString, "syncTimeout"))
        {
            configuration.SyncTimeout = timeoutMs;
        }
        configuration.ClientName ??= "featurestore-server";
        return configuration;
    }

    private static bool Mentions(string connectionString, string option) =>
        connectionString.Contains(option + "=", StringComparison.OrdinalIgnoreCase);

    public async ValueTask DisposeAsync() => await Multiplexer.DisposeAsync();
}
