using FeatureStore.Core.Materialization;

namespace FeatureStore.Core.Scheduling;

public enum ScheduledRunOutcome
{
    /// <summary>The view was materialized up to the end of the run.</summary>
    Succeeded,

    /// <summary>The engine found nothing to do (another run had materialized the view meanwhile).</summary>
    Skipped,

    /// <summary>Another run held the view's lock: not an error, the view waits for its next occurrence.</summary>
    Locked,

    /// <summary>The run failed; nothing was recorded, and the view is tried again at its next occurrence.</summary>
    Failed,
}

/// <summary>
/// One scheduled run of one view: when it started, how it ended, the engine's summary when it ran (or skipped), and
/// the reason when it was locked or failed.
/// </summary>
public sealed record ScheduledRun(
    string View,
    DateTimeOffset StartedAt,
    ScheduledRunOutcome Outcome,
    TimeSpan Duration,
    ViewMaterializationSummary? Summary = null,
    string? Message = null);
