using FeatureStore.Server.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Server.Health;

/// <summary>
/// Ready once a registry version is being served; until then every feature is unknown. Degraded (still ready: the
/// last good version is served) while the registry cannot be read.
/// </summary>
internal sealed class RegistryHealthCheck(ActiveDefinitions active) : IHealthCheck
{
    public const string Name = "registry";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(active.Snapshot.Version is { } version
            ? active.Problem is { } problem
                ? HealthCheckResult.Degraded($"serving registry version {version.Number}, the last good one; the registry cannot be read: {problem}")
                : HealthCheckResult.Healthy($"serving registry version {version.Number}")
            : new HealthCheckResult(context.Registration.FailureStatus, active.Problem is { } unread
                ? $"no registry version is being served; the registry cannot be read: {unread}"
                : "no registry version has been applied yet"));
}
