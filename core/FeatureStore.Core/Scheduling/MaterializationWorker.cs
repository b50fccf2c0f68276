using System.Diagnostics;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Scheduling;

/// <summary>
/// Scheduled materialization without any hosting: <see cref="RunAsync"/> loops until cancelled, and each pass
/// (<see cref="RunDueAsync"/>) runs <c>materialize-incremental --end now</c> for every view that
/// <see cref="MaterializationScheduler"/> finds due, one view at a time, through the same engine, lock and watermarks
/// as the command line. The <c>featurestore worker</c> verb and the server's hosted service both drive this class.
/// Several workers on one repository never run a view twice at once: the engine takes the view's lock, a view whose
/// lock is held elsewhere is skipped for this pass, and one that another worker ran meanwhile is skipped by its
/// watermark. A failed run is logged and retried at the view's next occurrence; it never stops the loop.
/// </summary>
public sealed class MaterializationWorker
{
    private readonly IRegistry _registry;
    private readonly MaterializationEngine _engine;
    private readonly string _repositoryRoot;
    private readonly MaterializationScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly MaterializationWorkerOptions _options;
    private readonly Action<ScheduledRun>? _onRun;

    // Per view, when this worker last tried it: a run that failed or found the view locked moves no watermark, and
    // the view must still wait for its next occurrence instead of being retried on every pass.
    private readonly Dictionary<string, DateTimeOffset> _lastAttempts = new(StringComparer.Ordinal);
    private string? _lastPassError;

    /// <summary>
    /// <paramref name="engine"/> should read the same clock as <paramref name="time"/>; <paramref name="onRun"/> is
    /// called after each run (for metrics and output) and must not throw.
    /// </summary>
    public MaterializationWorker(
        IRegistry registry, MaterializationEngine engine, string repositoryRoot, TimeProvider? time = null,
        ILogger<MaterializationWorker>? logger = null, MaterializationWorkerOptions? options = null, Action<ScheduledRun>? onRun = null)
    {
        _registry = registry;
        _engine = engine;
        _repositoryRoot = repositoryRoot;
        _scheduler = new MaterializationScheduler(time);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options ?? new MaterializationWorkerOptions();
        _onRun = onRun;
    }

    /// <summary>
    /// Runs passes until <paramref name="stoppingToken"/> is cancelled, sleeping until the next occurrence (at most
    /// <see cref="MaterializationWorkerOptions.PollInterval"/>). A run in progress is cancelled with the token: it
    /// records nothing and releases its lock. Returns, without throwing, once stopped.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? nextRun = null;
            try
            {
                var pass = await RunPassAsync(stoppingToken).ConfigureAwait(false);
                nextRun = pass.NextRun;
                if (_lastPassError is not null)
                {
                    _logger.LogInformation("Scheduled materialization reads the registry again.");
                    _lastPassError = null;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The registry is unreadable (or similar): try again after the poll interval, logging once per cause.
                if (ex.Message != _lastPassError)
                {
                    _logger.LogError(ex, "Scheduled materialization could not check which views are due: {Message}", ex.Message);
                    _lastPassError = ex.Message;
                }
            }
            try
            {
                await Task.Delay(SleepUntil(nextRun), _scheduler.Time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One pass: runs every view due now, in definition order, and returns what each run did.</summary>
    public async Task<IReadOnlyList<ScheduledRun>> RunDueAsync(CancellationToken cancellationToken = default) =>
        (await RunPassAsync(cancellationToken).ConfigureAwait(false)).Runs;

    /// <summary>The schedule of every scheduled view of the applied registry as of now (for a start-up report).</summary>
    public async Task<IReadOnlyList<ViewSchedule>> GetSchedulesAsync(CancellationToken cancellationToken = default)
    {
        var current = await _registry.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return [];
        }
        var states = await _registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        return _scheduler.Evaluate(current.Definitions, states, _lastAttempts);
    }

    private async Task<(IReadOnlyList<ScheduledRun> Runs, DateTimeOffset? NextRun)> RunPassAsync(CancellationToken cancellationToken)
    {
        var current = await _registry.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return ([], null);
        }
        var states = await _registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        var schedules = _scheduler.Evaluate(current.Definitions, states, _lastAttempts);
        var runs = new List<ScheduledRun>();
        DateTimeOffset? nextRun = null;
        foreach (var schedule in schedules)
        {
            var next = schedule.NextRun;
            if (schedule.IsDue)
            {
                var run = await RunViewAsync(current, schedule, cancellationToken).ConfigureAwait(false);
                runs.Add(run);
                // Successful or not, the view is not due again before the occurrence after this run.
                next = schedule.Schedule.NextAfter(run.StartedAt);
            }
            if (next is { } n && (nextRun is null || n < nextRun))
            {
                nextRun = n;
            }
        }
        return (runs, nextRun);
    }

    private async Task<ScheduledRun> RunViewAsync(RegistryVersion current, ViewSchedule schedule, CancellationToken cancellationToken)
    {
        var startedAt = _scheduler.Time.GetUtcNow();
        _lastAttempts[schedule.View] = startedAt;
        var clock = Stopwatch.StartNew();
        _logger.LogInformation("Scheduled materialization of {View} ({Schedule}) due at {Due}.",
            schedule.View, schedule.Schedule.Text, schedule.NextRun?.ToString("O"));
        ScheduledRun run;
        try
        {
            var summaries = await _engine.RunAsync(new MaterializationRequest
            {
                Definitions = current.Definitions,
                RegistryVersion = current.Number,
                RepositoryRoot = _repositoryRoot,
                End = MaterializationTime.Truncate(startedAt),
                Views = [schedule.View],
                ExpectedWatermarks = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal) { [schedule.View] = schedule.Watermark },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var summary = summaries.Single();
            run = summary.SkippedReason is null
                ? new ScheduledRun(schedule.View, startedAt, ScheduledRunOutcome.Succeeded, clock.Elapsed, summary)
                : new ScheduledRun(schedule.View, startedAt, ScheduledRunOutcome.Skipped, clock.Elapsed, summary, summary.SkippedReason);
            if (summary.SkippedReason is not null)
            {
                _logger.LogInformation("Scheduled materialization of {View} skipped: {Reason}.", schedule.View, summary.SkippedReason);
            }
        }
        catch (MaterializationInProgressException ex)
        {
            _logger.LogInformation("Scheduled materialization of {View} skipped: another run holds its lock.", schedule.View);
            run = new ScheduledRun(schedule.View, startedAt, ScheduledRunOutcome.Locked, clock.Elapsed, Message: ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            if (ex is UserInputException or StoreUnavailableException)
            {
                _logger.LogError("Scheduled materialization of {View} failed: {Message}", schedule.View, ex.Message);
            }
            else
            {
                _logger.LogError(ex, "Scheduled materialization of {View} failed unexpectedly.", schedule.View);
            }
            run = new ScheduledRun(schedule.View, startedAt, ScheduledRunOutcome.Failed, clock.Elapsed, Message: ex.Message);
        }
        _onRun?.Invoke(run);
        return run;
    }

    private TimeSpan SleepUntil(DateTimeOffset? nextRun)
    {
        var poll = _options.PollInterval;
        if (nextRun is not { } next)
        {
            return poll;
        }
        var untilNext = next - _scheduler.Time.GetUtcNow();
        // A timer may fire a little early; a short floor keeps that from turning into a busy loop.
        var floor = TimeSpan.FromMilliseconds(50);
        return untilNext < floor ? floor : untilNext > poll ? poll : untilNext;
    }
}
