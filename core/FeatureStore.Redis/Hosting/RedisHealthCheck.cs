using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Redis;

/// <summary>The online store's health check: a PING within the store's command timeout.</summary>
internal sealed class RedisHealthCheck(RedisOnlineStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await store.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return health.IsHealthy
            ? HealthCheckResult.Healthy(health.Description)
            : new HealthCheckResult(context.Registration.FailureStatus, health.Description);
    }
}
