using FeatureStore.Core.Logging;

namespace FeatureStore.Server.Logging;

/// <summary>
/// Runs the served-feature log's writer loop for the life of the host. The queue is closed and flushed once every
/// hosted service has stopped (<see cref="StoppedAsync"/>), so answers Kestrel still completes while draining are logged
/// too; a flush that outlasts the host's shutdown timeout is abandoned and its rows are counted as dropped.
/// </summary>
internal sealed class FeatureLogWriterService(ServedFeatureLog log, ILogger<FeatureLogWriterService> logger) : IHostedLifecycleService
{
    private readonly CancellationTokenSource _forcedStop = new();
    private Task _run = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => log.RunAsync(_forcedStop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        try
        {
            await _run.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _forcedStop.CancelAsync();
            logger.LogWarning("Shutdown did not wait for the served-feature log to be written; {Rows} queued rows are dropped.", log.QueuedRows);
            try
            {
                await _run;
            }
            catch (OperationCanceledException)
            {
                // The forced stop itself.
            }
        }
        finally
        {
            _forcedStop.Dispose();
        }
    }
}
