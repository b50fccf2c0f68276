using FeatureStore.Server.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Server.Health;

/// <summary>Ready once a registry version is being served; until then every feature is unknown.</summary>
internal sealed class RegistryHealthCheck(ActiveDefinitions active) : IHealthCheck
{
    public const string Name = "registry";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(active.Snapshot.Version is { } version
            ? HealthCheckResult.Healthy($"serving registry version {version.Number}")
            : new HealthCheckResult(context.Registration.FailureStatus, "no registry version has been applied yet"));
}
