using System.Collections.Concurrent;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Runs materializations requested over HTTP through the engine the command line uses (same lock, watermarks and
/// summaries), from the applied registry. A synchronous run answers with its summaries; an asynchronous one is
/// answered once the engine has checked everything and holds every lock, so a bad request or a view being
/// materialized elsewhere is still answered as an error, then it goes on in the background until done or until the
/// server stops (a run cancelled then records nothing and frees its locks).
/// </summary>
internal sealed class ServerMaterialization(
    IRegistry registry,
    RepositoryConfig repository,
    MaterializationEngine engine,
    MaterializationMetrics metrics,
    TimeProvider time,
    ILogger<ServerMaterialization> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _background = new();

    /// <summary>The engine request for <paramref name="call"/> against the registry version applied now.</summary>
    public async Task<MaterializationRequest> PrepareAsync(MaterializeCall call, CancellationToken cancellationToken)
    {
        var current = await registry.GetCurrentAsync(cancellationToken)
                      ?? throw new NotFoundException("Nothing has been applied to the registry yet, so there is no feature view to materialize; run 'featurestore apply' first.");
        var now = time.GetUtcNow();
        return new MaterializationRequest
        {
            Definitions = current.Definitions,
            RegistryVersion = current.Number,
            RepositoryRoot = repository.Root,
            Start = call.StartText is null ? null : MaterializationTime.Parse(call.StartText, "start_ts", now),
            End = MaterializationTime.Parse(call.EndText, "end_ts", now),
            Views = call.Views,
        };
    }

    /// <summary>Runs <paramref name="request"/> to the end; cancelled when the client goes away.</summary>
    public async Task<IReadOnlyList<ViewMaterializationSummary>> RunAsync(MaterializationRequest request, CancellationToken cancellationToken)
    {
        var tracker = new RunTracker();
        try
        {
            return await engine.RunAsync(request, tracker, cancellationToken);
        }
        catch (Exception ex) when (tracker.CurrentView is { } view && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            metrics.RecordFailure(view);
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="request"/> in the background and returns the views it materializes once it passed its
    /// checks; a request that fails them throws here, like a synchronous one.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(MaterializationRequest request)
    {
        var tracker = new RunTracker();
        var run = Task.Run(() => RunInBackgroundAsync(request, tracker), CancellationToken.None);
        _background.TryAdd(run, true);
        _ = run.ContinueWith(done => _background.TryRemove(done, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (await Task.WhenAny(tracker.Started, run) == run)
        {
            // Failed its checks (the answer is that error), or had nothing to write and is already done.
            await run;
        }
        return Selected(request);
    }

    private async Task RunInBackgroundAsync(MaterializationRequest request, RunTracker tracker)
    {
        try
        {
            var summaries = await engine.RunAsync(request, tracker, _stopping.Token);
            logger.LogInformation("Background materialization finished: {Views}.",
                string.Join("; ", summaries.Select(s => s.SkippedReason is null ? $"{s.View} {s.RowsSelected} rows" : $"{s.View} skipped")));
        }
        catch (Exception ex) when (tracker.Started.IsCompleted)
        {
            // Accepted already: nobody is waiting for an answer, so the failure goes to the log and the metrics.
            if (ex is OperationCanceledException && _stopping.IsCancellationRequested)
            {
                logger.LogWarning("Background materialization of {View} cancelled: the server is stopping; nothing of that view was recorded.", tracker.CurrentView);
                return;
            }
            metrics.RecordFailure(tracker.CurrentView!);
            if (ex is UserInputException or StoreUnavailableException)
            {
                logger.LogError("Background materialization failed at {View}: {Message}", tracker.CurrentView, ex.Message);
            }
            else
            {
                logger.LogError(ex, "Background materialization failed at {View}.", tracker.CurrentView);
            }
        }
    }

    /// <summary>The views a request runs, as the engine selects them: those named, or every online view.</summary>
    private static IReadOnlyList<string> Selected(MaterializationRequest request) =>
        request.Views is { Count: > 0 } named
            ? request.Definitions.FeatureViews.Where(v => named.Contains(v.Name)).Select(v => v.Name).ToArray()
            : request.Definitions.FeatureViews.Where(v => v.Online).Select(v => v.Name).ToArray();

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Cancels background runs and waits for them to release their locks (within the host's shutdown time).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_background.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopped before every background materialization finished; their locks expire by themselves.");
        }
        catch (Exception)
        {
            // Each failure was already answered (failed checks) or logged (after acceptance) where it happened.
        }
    }

    public void Dispose() => _stopping.Dispose();
}
