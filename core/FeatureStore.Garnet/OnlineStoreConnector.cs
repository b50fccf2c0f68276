using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Redis;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Garnet;

/// <summary>
/// Opens the online store a repository's configuration names, Redis or embedded, for one process (the CLI, the
/// benchmarks, tests), and says which store that is without opening it.
/// </summary>
public static class OnlineStoreConnector
{
    /// <summary>Connects to the Redis, or hosts or finds the host of the embedded store.</summary>
    public static async Task<IOnlineStoreConnection> OpenAsync(
        RepositoryConfig config, RedisOnlineStoreOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (config.OnlineStoreType == OnlineStoreTypes.Embedded && config.EmbeddedStore is { } embedded)
        {
            return await EmbeddedOnlineStore.OpenAsync(embedded, options, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        return await RedisOnlineStore.ConnectAsync(
            config.RedisConnectionString, options.WithConnectionSecurity(config), loggerFactory.CreateLogger<RedisOnlineStore>(),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One line naming the store and where its data is, e.g. for <c>featurestore status</c>: for the embedded store,
    /// its folder and whether (and where) a process hosts it; for Redis, its endpoints (never the password).
    /// </summary>
    public static string Describe(RepositoryConfig config)
    {
        if (config.OnlineStoreType == OnlineStoreTypes.Embedded && config.EmbeddedStore is { } embedded)
        {
            var state = EmbeddedOnlineStore.Inspect(embedded);
            var hosting = state switch
            {
                { IsHosted: true, Port: { } port, ProcessId: { } pid } => $"hosted by process {pid} at 127.0.0.1:{port}",
                { IsHosted: true } => "a host is starting",
                _ => "not running; the next command that needs it hosts it",
            };
            return $"embedded (Garnet), data in {embedded.Path} ({hosting})";
        }
        return $"Redis at {RedisConnectionFactory.Describe(RedisConnectionFactory.Configure(config.RedisConnectionString, new RedisOnlineStoreOptions()))}";
    }
}
