using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Garnet;

/// <summary>The embedded online store's health check: a PING to its host within the store's command timeout.</summary>
internal sealed class EmbeddedHealthCheck(EmbeddedOnlineStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = await store.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return health.IsHealthy
            ? HealthCheckResult.Healthy(health.Description)
            : new HealthCheckResult(context.Registration.FailureStatus, health.Description);
    }
}
