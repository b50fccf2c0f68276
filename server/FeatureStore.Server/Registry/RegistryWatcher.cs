using FeatureStore.Core.Registry;
using FeatureStore.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Registry;

/// <summary>
/// Loads the applied registry version before the listeners open, then polls for a newer one and swaps it in
/// without a restart. A damaged registry at startup stops the server; a failing read later keeps the version already
/// served, is logged once until it recovers and is reported through <see cref="ActiveDefinitions.Problem"/>.
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
        // A damaged registry at startup stops the server (naming the file and how to recover): starting would
        // serve nothing while looking healthy. Later, a damaged newer version only degrades the server.
        var version = await registry.GetCurrentAsync(cancellationToken);
        if (version is not null && active.TryApply(version))
        {
            LogServing(version);
        }
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
                active.ReportProblem(null);
            }
            if (version is not null && active.TryApply(version))
            {
                LogServing(version);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            active.ReportProblem(ex.Message);
            if (ex.Message != _lastError)
            {
                logger.LogError("Could not read the registry; still serving version {Version}: {Problem}", active.Snapshot.Version?.Number, ex.Message);
                _lastError = ex.Message;
            }
        }
    }

    private void LogServing(RegistryVersion version) =>
        logger.LogInformation(
            "Serving registry version {Version} ({Views} feature views, {Services} feature services, hash {Hash}).",
            version.Number, version.Definitions.FeatureViews.Count, version.Definitions.FeatureServices.Count, version.Hash);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
