namespace FeatureStore.Core.Quality;

/// <summary>What became of a materialization run's rows for one view.</summary>
public enum RunOutcome
{
    /// <summary>The checks passed (or only warned) and the rows were written.</summary>
    Written,

    /// <summary>An error check failed: nothing of the view was written.</summary>
    Blocked,
}

/// <summary>
/// The record one materialization run leaves for one view (<see cref="IProfileStore"/>): the profile of the rows it
/// selected for writing, every check's result, and the drift against the view's reference when it has one.
/// </summary>
public sealed record ProfileRun
{
    public required string View { get; init; }

    public required DateTimeOffset RanAt { get; init; }

    public DateTimeOffset? Start { get; init; }

    public required DateTimeOffset End { get; init; }

    public long RegistryVersion { get; init; }

    public required RunOutcome Outcome { get; init; }

    public required FeatureViewProfile Profile { get; init; }

    public IReadOnlyList<CheckResult> Checks { get; init; } = [];

    public DriftReport? Drift { get; init; }
}
