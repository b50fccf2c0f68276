using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>Registers the Redis online store for a host that composes its services with dependency injection.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>The name of the online store's health check (tagged "ready").</summary>
    public const string HealthCheckName = "online-store";

    /// <summary>
    /// Adds one shared multiplexer for <paramref name="connectionString"/> (configured by
    /// <see cref="RedisConnectionFactory"/>; an unreachable Redis does not fail startup, the health check reports it),
    /// the store as <see cref="IOnlineStore"/>, and its health check. A malformed connection string throws a
    /// <see cref="Core.Errors.UserInputException"/> here, before the host starts.
    /// </summary>
    public static IServiceCollection AddRedisOnlineStore(
        this IServiceCollection services, string connectionString, RedisOnlineStoreOptions options)
    {
        var configuration = RedisConnectionFactory.Configure(connectionString, options);
        services.AddSingleton<IConnectionMultiplexer>(provider =>
        {
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger<RedisOnlineStore>();
            var multiplexer = ConnectionMultiplexer.Connect(configuration);
            multiplexer.ConnectionFailed += (_, e) =>
            {
                if (e.FailureType == ConnectionFailureType.AuthenticationFailure)
                {
                    logger.LogError("{Failure}", RedisConnectionFactory.DescribeHandshakeFailure(configuration, e.Exception));
                }
                else
                {
                    logger.LogWarning("Lost the connection to Redis at {EndPoint}: {FailureType}.", e.EndPoint, e.FailureType);
                }
            };
            multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Reconnected to Redis at {EndPoint}.", e.EndPoint);
            return multiplexer;
        });
        services.AddSingleton(provider => new RedisOnlineStore(
            provider.GetRequiredService<IConnectionMultiplexer>(), options,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<RedisOnlineStore>()));
        services.AddSingleton<IOnlineStore>(provider => provider.GetRequiredService<RedisOnlineStore>());
        services.AddHealthChecks().AddCheck<RedisHealthCheck>(HealthCheckName, tags: ["ready"]);
        return services;
    }
}
