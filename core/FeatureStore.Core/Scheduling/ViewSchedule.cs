namespace FeatureStore.Core.Scheduling;

/// <summary>
/// When one view's scheduled materialization runs, as of <see cref="At"/>. <see cref="NextRun"/> is the first
/// occurrence of the schedule after the view's last run (its watermark, or a later attempt that failed or found the
/// view locked), or <see cref="At"/> for a view never materialized; the view is due once that moment has come.
/// Null when the schedule has no further occurrence.
/// </summary>
public sealed record ViewSchedule(string View, CronSchedule Schedule, DateTimeOffset? Watermark, DateTimeOffset? NextRun, DateTimeOffset At)
{
    public bool IsDue => NextRun is { } next && next <= At;
}
