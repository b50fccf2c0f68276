namespace FeatureStore.Core.Definitions;

/// <summary>
/// The <c>checks:</c> map of a feature view: the default severity of its checks (error when not given) and the
/// largest drift score (PSI for numbers, Jensen-Shannon distance for categories) a run may show against the view's
/// <see cref="FeatureViewDefinition.Reference"/> before it counts as a failing check.
/// </summary>
public sealed record ViewChecks
{
    public CheckSeverity? Severity { get; init; }

    public double? MaxDriftPsi { get; init; }
}
