using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Server.Health;

/// <summary>
/// Runs the health checks once before the listeners open and hands the report to every publisher, so the first
/// request already sees a status; the framework's publisher service repeats it every health probe interval after
/// that. Registered after the registry watcher, whose start loads the registry version this report includes.
/// </summary>
internal sealed class InitialHealthReport(HealthCheckService checks, IEnumerable<IHealthCheckPublisher> publishers) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        foreach (var publisher in publishers)
        {
            await publisher.PublishAsync(report, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
