using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Scheduling;

/// <summary>
/// Decides which views are due for scheduled materialization and when each runs next, on an injected clock. A view
/// is scheduled when it is served online and has a schedule (its own, or the repository's default recorded at apply).
/// Due-ness follows from the view's watermark, which every successful run moves to its end: a run by another
/// worker, a server or a person counts, so a view is never run twice for one occurrence. An occurrence missed while
/// nothing was running is caught up once, not once per missed occurrence.
/// </summary>
public sealed class MaterializationScheduler(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The clock the scheduler reads.</summary>
    public TimeProvider Time => _time;

    /// <summary>
    /// Every scheduled view of <paramref name="definitions"/>, in definition order, as of now. <paramref name="lastAttempts"/>
    /// holds, per view, when this caller last tried to run it without moving the watermark (a failure, a lock held
    /// elsewhere): such a view waits for the next occurrence instead of being retried at once.
    /// </summary>
    public IReadOnlyList<ViewSchedule> Evaluate(
        DefinitionSet definitions, IEnumerable<ViewMaterializationState> states,
        IReadOnlyDictionary<string, DateTimeOffset>? lastAttempts = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(states);
        var now = _time.GetUtcNow();
        var byView = states.ToDictionary(s => s.View, StringComparer.Ordinal);
        var schedules = new List<ViewSchedule>();
        foreach (var view in definitions.FeatureViews)
        {
            byView.TryGetValue(view.Name, out var state);
            DateTimeOffset? attempt = lastAttempts is not null && lastAttempts.TryGetValue(view.Name, out var at) ? at : null;
            if (For(view, state, now, attempt) is { } schedule)
            {
                schedules.Add(schedule);
            }
        }
        return schedules;
    }

    /// <summary>The schedule of one view as of <paramref name="now"/>; null when the view is not scheduled.</summary>
    public static ViewSchedule? For(
        FeatureViewDefinition view, ViewMaterializationState? state, DateTimeOffset now, DateTimeOffset? lastAttempt = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!view.Online || string.IsNullOrWhiteSpace(view.Schedule))
        {
            return null;
        }
        var schedule = CronSchedule.Parse(view.Schedule);
        var reference = Later(CurrentUpTo(state, now), lastAttempt);
        var next = reference is { } from ? schedule.NextAfter(from) : now;
        return new ViewSchedule(view.Name, schedule, state?.Watermark, next, now);
    }

    /// <summary>
    /// How far the online data is current: the watermark, or, for a watermark in the future (recorded before window
    /// ends were capped), the time of the run that recorded it, as the engine reads it.
    /// </summary>
    private static DateTimeOffset? CurrentUpTo(ViewMaterializationState? state, DateTimeOffset now) =>
        state?.Watermark is { } watermark && watermark > now ? state.LastRunAt ?? now : state?.Watermark;

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
