using FeatureStore.Server.Configuration;
using FeatureStore.Server.Metrics;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using FeatureStore.Core.Online;

namespace FeatureStore.Server.OnlineStore;

/// <summary>
/// Probes the online store in the background and publishes the result as the gRPC health status
/// (<c>grpc.health.v1</c>, for the whole server and for <c>featurestore.v1.FeatureServing</c>): NOT_SERVING while the
/// store is unreachable, SERVING again as soon as a probe succeeds. Requests never wait for the probe; it only reports.
/// </summary>
public sealed class OnlineStoreHealth(
    IOnlineStore store,
    HealthServiceImpl health,
    ServingMetrics metrics,
    ServerOptions options,
    ILogger<OnlineStoreHealth> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>The gRPC service names whose status follows the online store ("" is the whole server).</summary>
    public static readonly IReadOnlyList<string> ServiceNames = ["", "featurestore.v1.FeatureServing"];

    private bool? _serving;

    /// <summary>The last probe's verdict; false until the first probe succeeds.</summary>
    public bool IsServing => _serving == true;

    public async Task StartingAsync(CancellationToken cancellationToken) => await ProbeAsync();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.HealthProbeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ProbeAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (also when the host failed to start, e.g. a port in use).
        }
    }

    private async Task ProbeAsync()
    {
        var probe = await store.CheckHealthAsync();
        var reachable = probe.IsHealthy;
        if (_serving == reachable)
        {
            return;
        }
        _serving = reachable;
        var status = reachable ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        foreach (var service in ServiceNames)
        {
            health.SetStatus(service, status);
        }
        metrics.SetStoreUp(reachable);
        if (reachable)
        {
            logger.LogInformation("{Health}: SERVING.", probe.Description);
        }
        else
        {
            logger.LogWarning("{Health}: NOT_SERVING until it answers again.", probe.Description);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
