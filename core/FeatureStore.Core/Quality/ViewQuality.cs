namespace FeatureStore.Core.Quality;

/// <summary>
/// What the catalog shows of one view's quality, read from its recorded materialization runs
/// (<see cref="QualityCatalog"/>): the newest run (its profile, check results and outcome), the newest drift against
/// the reference, each feature's drift score run by run, and the newest event materialized.
/// </summary>
public sealed record ViewQuality
{
    public required string View { get; init; }

    /// <summary>The newest recorded run, null when the view was never materialized with profiling.</summary>
    public ProfileRun? LastRun { get; init; }

    /// <summary>The newest run's drift report, or of the newest run that had one (null without a reference).</summary>
    public DriftReport? LatestDrift { get; init; }

    /// <summary>Per feature, its drift score (PSI or JS distance) in each recorded run that measured it, oldest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DriftPoint>> DriftHistory { get; init; } =
        new Dictionary<string, IReadOnlyList<DriftPoint>>(StringComparer.Ordinal);

    /// <summary>The latest event timestamp among rows written by the recorded runs: freshness is the time since.</summary>
    public DateTimeOffset? NewestEvent { get; init; }

    public int RecordedRuns { get; init; }

    public FeatureViewProfile? LatestProfile => LastRun?.Profile;

    public IReadOnlyList<CheckResult> LastChecks => LastRun?.Checks ?? [];
}

/// <summary>One run's drift score of one feature.</summary>
public sealed record DriftPoint(DateTimeOffset RanAt, double Score, DriftVerdict Verdict);
