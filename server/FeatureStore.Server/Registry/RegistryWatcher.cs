using FeatureStore.Core.Registry;
using FeatureStore.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Registry;

/// <summary>
/// Loads the applied registry version before the listeners open, then polls for a newer one and swaps it in
/// without a restart. A failing read keeps the version already served and is logged once until it recovers.
/// </summary>
internal sealed class RegistryWatcher(
    IRegistry registry,
    ActiveDefinitions active,
    IOptions<ServerOptions> options,
    ILogger<RegistryWatcher> logger) : BackgroundService, IHostedLifecycleService
{
    private string? _lastError;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        if (active.Snapshot.Version is null)
        {
            logger.LogWarning(
                "No registry version has been applied yet; every feature is unknown until 'featurestore apply' runs (checked every {Interval} ms).",
                options.Value.RegistryPollInterval.TotalMilliseconds);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RegistryPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (also when the host failed to start, e.g. a port in use).
        }
    }

    /// <summary>Reads the current version once and swaps it in when new.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await registry.GetCurrentAsync(cancellationToken);
            if (_lastError is not null)
            {
                logger.LogInformation("The registry is readable again.");
                _lastError = null;
            }
            if (version is not null && active.TryApply(version))
            {
                logger.LogInformation(
                    "Serving registry version {Version} ({Views} feature views, {Services} feature services, hash {Hash}).",
                    version.Number, version.Definitions.FeatureViews.Count, version.Definitions.FeatureServices.Count, version.Hash);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (ex.Message != _lastError)
            {
                logger.LogError(ex, "Could not read the registry; still serving version {Version}.", active.Snapshot.Version?.Number);
                _lastError = ex.Message;
            }
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
