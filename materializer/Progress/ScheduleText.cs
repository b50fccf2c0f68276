using FeatureStore.Core.Scheduling;

namespace FeatureStore.Materializer.Progress;

/// <summary>How the CLI writes a view's next scheduled run.</summary>
internal static class ScheduleText
{
    public static string NextRun(ViewSchedule schedule) =>
        schedule.NextRun is not { } next ? "never (the schedule has no further occurrence)"
        : schedule.IsDue ? "due now"
        : MaterializationRunner.Time(next);
}
