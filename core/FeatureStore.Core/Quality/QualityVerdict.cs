using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// What <see cref="QualityGate"/> found about the rows selected for one view: their profile, every check's result,
/// and the drift against the view's reference (null without a reference, or when it could not be read).
/// </summary>
public sealed record QualityVerdict(
    FeatureViewDefinition View,
    DateTimeOffset? Start,
    DateTimeOffset End,
    SelectionProfile Selection,
    IReadOnlyList<CheckResult> Checks,
    DriftReport? Drift)
{
    /// <summary>An error check failed: nothing of the view may be written.</summary>
    public bool Blocked => Checks.Any(c => c.Blocks);

    public IEnumerable<CheckResult> Failures => Checks.Where(c => !c.Passed);
}
