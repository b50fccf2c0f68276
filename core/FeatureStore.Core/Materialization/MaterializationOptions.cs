namespace FeatureStore.Core.Materialization;

/// <summary>Tuning of a materialization run; defaults suit the CLI.</summary>
public sealed record MaterializationOptions
{
    /// <summary>Expiry of a view's lock; renewed every third of it while the run lives, so a dead run frees it soon.</summary>
    public TimeSpan LockTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting run (<see cref="MaterializationRequest.WaitForLock"/>) retries the lock.</summary>
    public TimeSpan LockPollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Estimate distinct keys first (one extra scan) so progress can show an ETA. Off for scripts.</summary>
    public bool EstimateTotals { get; init; }

    /// <summary>Minimum time between progress reports.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
