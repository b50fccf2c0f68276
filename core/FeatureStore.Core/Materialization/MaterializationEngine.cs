using System.Diagnostics;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// Loads the latest feature values into the online store. Per online view: the offline store selects the latest row
/// per key in the window (<see cref="IOfflineStore.PrepareLatestRowsAsync"/>), the rows stream on to the online
/// store's compare-and-set writer (<see cref="IOnlineViewWriter"/>), so memory stays flat whatever the row count;
/// the view's watermark is recorded in the registry only after the online store confirmed every row. Everything that
/// can be checked before writing (views, times, sources, locks) is checked first, so bad input writes nothing.
/// With a <see cref="QualityGate"/>, each view's selection is kept, profiled and checked before anything is written:
/// a view whose error check fails writes nothing (its watermark stays), the other views go on, and every view's
/// profile and check results are recorded.
/// </summary>
public sealed class MaterializationEngine
{
    private readonly IOnlineStore _store;
    private readonly IOfflineStore _offline;
    private readonly IRegistry _registry;
    private readonly ILogger _logger;
    private readonly MaterializationOptions _options;
    private readonly TimeProvider _time;
    private readonly QualityGate? _quality;

    /// <summary>
    /// An engine over the given stores. <paramref name="quality"/> profiles and checks each view's rows before writing;
    /// without it rows are written unchecked and no profile is recorded.
    /// </summary>
    public MaterializationEngine(
        IOnlineStore store, IOfflineStore offline, IRegistry registry, ILogger<MaterializationEngine>? logger = null,
        MaterializationOptions? options = null, TimeProvider? time = null, QualityGate? quality = null)
    {
        _quality = quality;
        _store = store;
        _offline = offline;
        _registry = registry;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options ?? new MaterializationOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs the request; returns one summary per selected view, in definition order.</summary>
    public async Task<IReadOnlyList<ViewMaterializationSummary>> RunAsync(
        MaterializationRequest request, IProgress<MaterializationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definitions = request.Definitions;
        var views = SelectViews(definitions, request.Views);
        if (request.Start is { } requestedStart && request.End < requestedStart)
        {
            throw new UserInputException(
                $"The window's end {request.End:O} is before its start {requestedStart:O}; the window must run forward.");
        }
        request = CapAtNow(request);
        var states = (await _registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.View, StringComparer.Ordinal);

        var plans = new List<ViewPlan>();
        var locks = new List<IAsyncDisposable>();
        var writers = new Dictionary<string, IOnlineViewWriter>(StringComparer.Ordinal);
        try
        {
            foreach (var view in views)
            {
                states.TryGetValue(view.Name, out var state);
                plans.Add(await PlanViewAsync(definitions, view, request, state, cancellationToken).ConfigureAwait(false));
            }
            foreach (var plan in plans.Where(p => p.SkippedReason is null))
            {
                locks.Add(await _store.AcquireMaterializationLockAsync(
                    definitions.Project, plan.View.Name, _options, request.WaitForLock, cancellationToken).ConfigureAwait(false));
            }
            if (request.ExpectedWatermarks is not null)
            {
                await SkipViewsRunMeanwhileAsync(plans, request.ExpectedWatermarks, cancellationToken).ConfigureAwait(false);
            }
            // Every view is judged before anything is written, so a failing error check leaves the online store as it was.
            for (var i = 0; i < plans.Count; i++)
            {
                if (_quality is not null && plans[i].SkippedReason is null)
                {
                    plans[i] = await JudgeAsync(definitions, plans[i], request, i, plans.Count, progress, cancellationToken).ConfigureAwait(false);
                }
            }
            // Data of views no longer served (removed, offline, schema changed) must not linger.
            await _store.RemoveStaleViewsAsync(definitions, request.RegistryVersion, cancellationToken).ConfigureAwait(false);
            // Every view is recorded before any is written, so a view a newer registry version owns refuses the run
            // while nothing has been written yet.
            foreach (var plan in plans.Where(p => p.SkippedReason is null && p.Verdict?.Blocked != true))
            {
                writers[plan.View.Name] = await _store.OpenViewWriterAsync(
                    definitions, plan.View, request.RegistryVersion, cancellationToken).ConfigureAwait(false);
            }

            var summaries = new List<ViewMaterializationSummary>();
            for (var i = 0; i < plans.Count; i++)
            {
                var plan = plans[i];
                if (plan.SkippedReason is not null)
                {
                    _logger.LogInformation("Skipped {View}: {Reason}", plan.View.Name, plan.SkippedReason);
                    summaries.Add(new ViewMaterializationSummary(
                        plan.View.Name, plan.Start, plan.End, 0, 0, TimeSpan.Zero, plan.State?.Watermark, plan.SkippedReason));
                    continue;
                }
                if (plan.Verdict is { Blocked: true } verdict)
                {
                    summaries.Add(await BlockAsync(plan, verdict, request, i, plans.Count, progress, cancellationToken).ConfigureAwait(false));
                    continue;
                }
                summaries.Add(await MaterializeViewAsync(writers[plan.View.Name], plan, request, i, plans.Count, progress, cancellationToken).ConfigureAwait(false));
            }
            return summaries;
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var held in locks)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var plan in plans)
            {
                if (plan.Scan is not null)
                {
                    await plan.Scan.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// How far past the current time a window's end may lie without a warning: clocks of the machine that computed
    /// the end and of this one may differ by that much.
    /// </summary>
    public static readonly TimeSpan FutureEndTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A window never ends after the time of the run: values "as of" a future time are not knowable yet, and a
    /// watermark in the future would make every incremental run until then skip rows that arrive meanwhile.
    /// </summary>
    private MaterializationRequest CapAtNow(MaterializationRequest request)
    {
        var now = _time.GetUtcNow();
        if (request.End <= now)
        {
            return request;
        }
        if (request.End > now + FutureEndTolerance)
        {
            _logger.LogWarning(
                "The window's end {End} is in the future; materializing up to now ({Now}) instead, so the watermark never passes the time of the run.",
                request.End.ToString("O"), now.ToString("O"));
        }
        return request with { End = now };
    }

    /// <summary>
    /// The watermark a run continues from. One in the future (recorded before ends were capped) is taken back to the
    /// time of the run that recorded it, which is as far as that run could have seen.
    /// </summary>
    private DateTimeOffset? EffectiveWatermark(ViewMaterializationState? state)
    {
        if (state?.Watermark is not { } watermark || watermark <= _time.GetUtcNow())
        {
            return state?.Watermark;
        }
        var ranAt = state.LastRunAt ?? _time.GetUtcNow();
        var effective = ranAt < watermark ? ranAt : watermark;
        _logger.LogWarning(
            "The watermark of {View} ({Watermark}) is in the future; continuing from {Effective}, when that run happened.",
            state.View, watermark.ToString("O"), effective.ToString("O"));
        return effective;
    }

    /// <summary>
    /// With the locks held, no other run can move a watermark any more: a view whose watermark is no longer the one
    /// the caller expected was materialized by another run after the caller looked, and is skipped.
    /// </summary>
    private async Task SkipViewsRunMeanwhileAsync(
        List<ViewPlan> plans, IReadOnlyDictionary<string, DateTimeOffset?> expected, CancellationToken cancellationToken)
    {
        var states = (await _registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.View, StringComparer.Ordinal);
        for (var i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            if (plan.SkippedReason is not null || !expected.TryGetValue(plan.View.Name, out var expectedWatermark))
            {
                continue;
            }
            states.TryGetValue(plan.View.Name, out var state);
            if (state?.Watermark == expectedWatermark)
            {
                continue;
            }
            if (plan.Scan is not null)
            {
                await plan.Scan.DisposeAsync().ConfigureAwait(false);
            }
            plans[i] = plan with
            {
                Scan = null,
                State = state,
                SkippedReason = $"materialized by another run meanwhile (watermark {state?.Watermark?.ToString("O") ?? "none"})",
            };
        }
    }

    private static IReadOnlyList<FeatureViewDefinition> SelectViews(DefinitionSet definitions, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return definitions.FeatureViews.Where(v => v.Online).ToArray();
        }
        var selected = new List<FeatureViewDefinition>();
        var unknown = names.Where(n => definitions.FeatureViews.All(v => v.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            var known = string.Join(", ", definitions.FeatureViews.Select(v => v.Name));
            throw new NotFoundException(
                $"Unknown feature view{(unknown.Length == 1 ? "" : "s")} {string.Join(", ", unknown.Select(n => $"'{n}'"))} " +
                $"requested for materialization; the applied registry has: {(known.Length == 0 ? "(none)" : known)}.");
        }
        foreach (var view in definitions.FeatureViews.Where(v => names.Contains(v.Name)))
        {
            view.EnsureServedOnline();
            selected.Add(view);
        }
        return selected;
    }

    private async Task<ViewPlan> PlanViewAsync(
        DefinitionSet definitions, FeatureViewDefinition view, MaterializationRequest request,
        ViewMaterializationState? state, CancellationToken cancellationToken)
    {
        DateTimeOffset? start;
        if (request.Start is { } explicitStart)
        {
            start = explicitStart;
        }
        else if (EffectiveWatermark(state) is { } watermark)
        {
            start = watermark;
            if (watermark >= request.End)
            {
                return new ViewPlan(view, null, start, request.End, state, $"already materialized up to {watermark:O}");
            }
        }
        else
        {
            start = LatestValueRule.OldestWithinTtl(request.End, view.Ttl);
        }
        var scan = await _offline.PrepareLatestRowsAsync(
            new LatestRowsRequest(definitions, view, request.RepositoryRoot, start, request.End), cancellationToken).ConfigureAwait(false);
        return new ViewPlan(view, scan, start, request.End, state, null);
    }

    /// <summary>Keeps, profiles and checks the view's selection; the verdict rides on the plan.</summary>
    private async Task<ViewPlan> JudgeAsync(
        DefinitionSet definitions, ViewPlan plan, MaterializationRequest request, int index, int count,
        IProgress<MaterializationProgress>? progress, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        progress?.Report(new MaterializationProgress(plan.View.Name, index, count, MaterializationPhase.Checking, 0, null, TimeSpan.Zero));
        var verdict = await _quality!.JudgeAsync(
            definitions, plan.View, request.RepositoryRoot, plan.Scan!, plan.Start, plan.End, cancellationToken).ConfigureAwait(false);
        foreach (var failure in verdict.Failures)
        {
            if (failure.Blocks)
            {
                _logger.LogError("Check failed, {View} will not be written: {Check}", plan.View.Name, failure.ToString());
            }
            else
            {
                _logger.LogWarning("Check warning for {View}: {Check}", plan.View.Name, failure.ToString());
            }
        }
        return plan with { Verdict = verdict, JudgedAt = startedAt, JudgeTime = clock.Elapsed };
    }

    /// <summary>A view an error check stopped: nothing written, watermark kept, the outcome recorded.</summary>
    private async Task<ViewMaterializationSummary> BlockAsync(
        ViewPlan plan, QualityVerdict verdict, MaterializationRequest request, int index, int count,
        IProgress<MaterializationProgress>? progress, CancellationToken cancellationToken)
    {
        await _quality!.RecordAsync(verdict, RunOutcome.Blocked, plan.JudgedAt ?? _time.GetUtcNow(), request.RegistryVersion, cancellationToken).ConfigureAwait(false);
        progress?.Report(new MaterializationProgress(plan.View.Name, index, count, MaterializationPhase.Done, 0, 0, plan.JudgeTime));
        return new ViewMaterializationSummary(
            plan.View.Name, plan.Start, plan.End, verdict.Selection.Profile.RowCount, 0, plan.JudgeTime, plan.State?.Watermark,
            SelectionTime: verdict.Selection.SelectionTime)
        {
            Blocked = true,
            Checks = verdict.Checks,
            ProfileTime = verdict.Selection.ProfileTime,
        };
    }

    private async Task<ViewMaterializationSummary> MaterializeViewAsync(
        IOnlineViewWriter writer, ViewPlan plan, MaterializationRequest request, int index, int count,
        IProgress<MaterializationProgress>? progress, CancellationToken cancellationToken)
    {
        var view = plan.View;
        var startedAt = plan.JudgedAt ?? _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        _logger.LogInformation("Materializing {View} from {Start} to {End}", view.Name, plan.Start?.ToString("O") ?? "the earliest data", plan.End.ToString("O"));

        // A kept selection knows its exact size; otherwise estimating costs an extra pass, done only for progress bars.
        long? estimate = plan.Verdict?.Selection.Profile.RowCount;
        if (estimate is null && _options.EstimateTotals)
        {
            estimate = await plan.Scan!.EstimateRowsAsync(cancellationToken).ConfigureAwait(false);
        }
        progress?.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Selecting, 0, estimate, clock.Elapsed));

        var scan = plan.Scan!;
        long rows = 0;
        var selectionTime = TimeSpan.Zero;
        var lastReport = clock.Elapsed;
        while (true)
        {
            var more = await scan.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (rows == 0)
            {
                selectionTime = clock.Elapsed;
            }
            if (!more)
            {
                break;
            }
            var pending = writer.WriteAsync(scan.Current, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                await pending.ConfigureAwait(false);
            }
            rows++;
            if ((rows & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (progress is not null && clock.Elapsed - lastReport >= _options.ProgressInterval)
                {
                    lastReport = clock.Elapsed;
                    progress.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Writing, writer.RowsConfirmed, estimate, clock.Elapsed));
                }
            }
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        clock.Stop();
        var duration = clock.Elapsed + plan.JudgeTime;
        if (plan.Verdict is { } judged)
        {
            // The selection ran while the rows were kept for checking, before the first row was read.
            selectionTime = judged.Selection.SelectionTime;
        }

        // Every row is in the online store: only now may the watermark move (never backwards).
        // A watermark in the future (recorded before window ends were capped) is not kept.
        var watermark = plan.State?.Watermark is { } previous && previous > plan.End && previous <= startedAt ? previous : plan.End;
        await _registry.RecordMaterializationAsync(
            new ViewMaterializationState(view.Name, watermark, startedAt, plan.Start, plan.End, rows, duration),
            cancellationToken).ConfigureAwait(false);
        if (plan.Verdict is { } verdict)
        {
            await _quality!.RecordAsync(verdict, RunOutcome.Written, startedAt, request.RegistryVersion, cancellationToken).ConfigureAwait(false);
        }
        progress?.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Done, rows, estimate ?? rows, duration));
        var summary = new ViewMaterializationSummary(
            view.Name, plan.Start, plan.End, rows, writer.RowsWritten, duration, watermark, SelectionTime: selectionTime)
        {
            Checks = plan.Verdict?.Checks ?? [],
            ProfileTime = plan.Verdict?.Selection.ProfileTime ?? TimeSpan.Zero,
        };
        _logger.LogInformation(
            "Materialized {View}: {Rows} rows selected ({SelectionMs} ms selecting before the first row), {Written} written, in {DurationMs} ms ({RowsPerSecond:0} rows/s); watermark {Watermark}",
            view.Name, rows, (long)selectionTime.TotalMilliseconds, writer.RowsWritten, (long)duration.TotalMilliseconds, summary.RowsPerSecond, watermark.ToString("O"));
        return summary;
    }

    private sealed record ViewPlan(
        FeatureViewDefinition View, ILatestRowScan? Scan, DateTimeOffset? Start, DateTimeOffset End,
        ViewMaterializationState? State, string? SkippedReason)
    {
        public QualityVerdict? Verdict { get; init; }

        public DateTimeOffset? JudgedAt { get; init; }

        public TimeSpan JudgeTime { get; init; }
    }
}
