namespace FeatureStore.Core.Scheduling;

/// <summary>Tuning of <see cref="MaterializationWorker"/>.</summary>
public sealed record MaterializationWorkerOptions
{
    /// <summary>
    /// Longest sleep between two looks at the registry, however far the next occurrence: a newly applied version (new
    /// views, changed schedules) and runs made elsewhere are seen within this time.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);
}
