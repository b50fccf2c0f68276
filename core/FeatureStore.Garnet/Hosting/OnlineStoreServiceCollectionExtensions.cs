using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Garnet;

/// <summary>Registers the online store a repository's configuration names, for a host composed with dependency injection.</summary>
public static class OnlineStoreServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="RedisServiceCollectionExtensions.AddRedisOnlineStore"/> or <see cref="AddEmbeddedOnlineStore"/>,
    /// as <see cref="RepositoryConfig.OnlineStoreType"/> says.
    /// </summary>
    public static IServiceCollection AddOnlineStore(this IServiceCollection services, RepositoryConfig repository, RedisOnlineStoreOptions options) =>
        repository.OnlineStoreType == OnlineStoreTypes.Embedded && repository.EmbeddedStore is { } embedded
            ? services.AddEmbeddedOnlineStore(embedded, options)
            : services.AddRedisOnlineStore(repository.RedisConnectionString, options);

    /// <summary>
    /// Adds the embedded store (hosted by this process, or found at its host) as <see cref="IOnlineStore"/> and its
    /// health check under <see cref="RedisServiceCollectionExtensions.HealthCheckName"/>. It attaches when first
    /// resolved; a store that cannot be hosted or reached then does not fail startup: it is retried, and reported by
    /// health, as an unreachable Redis would be. The container disposes it at shutdown, which checkpoints the data and
    /// leaves hosting to the next process.
    /// </summary>
    public static IServiceCollection AddEmbeddedOnlineStore(this IServiceCollection services, EmbeddedStoreSettings settings, RedisOnlineStoreOptions options)
    {
        services.AddSingleton(provider => EmbeddedOnlineStore.Attach(settings, options, provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IOnlineStore>(provider => provider.GetRequiredService<EmbeddedOnlineStore>());
        services.AddHealthChecks().AddCheck<EmbeddedHealthCheck>(RedisServiceCollectionExtensions.HealthCheckName, tags: ["ready"]);
        return services;
    }
}
