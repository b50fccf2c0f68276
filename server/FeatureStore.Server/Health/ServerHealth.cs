using FeatureStore.Redis;
using FeatureStore.Server.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Server.Health;

/// <summary>
/// The last health report published by the health-check publisher: what <c>GET /health</c> reports without running
/// a check, and the <c>featurestore_online_store_up</c> gauge. Logs each change of the online store's status once.
/// </summary>
internal sealed class ServerHealth(ServingMetrics metrics, ILogger<ServerHealth> logger) : IHealthCheckPublisher
{
    /// <summary>The online store's check, registered by the store's own registration.</summary>
    public const string OnlineStoreCheck = RedisServiceCollectionExtensions.HealthCheckName;

    private bool? _storeServing;

    /// <summary>The last published verdict on the online store; false until the first report.</summary>
    public bool IsStoreServing => _storeServing == true;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (!report.Entries.TryGetValue(OnlineStoreCheck, out var store))
        {
            return Task.CompletedTask;
        }
        var serving = store.Status != HealthStatus.Unhealthy;
        if (_storeServing == serving)
        {
            return Task.CompletedTask;
        }
        _storeServing = serving;
        metrics.SetStoreUp(serving);
        if (serving)
        {
            logger.LogInformation("{Health}: SERVING.", store.Description);
        }
        else
        {
            logger.LogWarning("{Health}: NOT_SERVING until it answers again.", store.Description);
        }
        return Task.CompletedTask;
    }
}
