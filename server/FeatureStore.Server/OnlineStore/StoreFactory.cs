using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.OnlineStore;

/// <summary>Creates the core's registry and online store for a repository; the one place that knows their constructors.</summary>
internal static class StoreFactory
{
    public static IRegistry CreateRegistry(RepositoryConfig repository, IServiceProvider services) =>
        FileRegistry.ForConfig(repository, services.GetRequiredService<ILoggerFactory>());

    /// <summary>The Redis store over the server's own multiplexer (fail-fast, bounded timeouts; see <see cref="RedisConnection"/>).</summary>
    public static IOnlineStore CreateOnlineStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<Configuration.ServerOptions>();
        return new RedisOnlineStore(
            services.GetRequiredService<RedisConnection>().Multiplexer,
            new RedisOnlineStoreOptions { CommandTimeout = options.StoreTimeout },
            services.GetRequiredService<ILoggerFactory>().CreateLogger<RedisOnlineStore>());
    }
}
