namespace FeatureStore.Core.Definitions;

/// <summary>
/// The <c>checks:</c> map of one feature, run on the rows a materialization selected before any is written.
/// Absent checks are null; <see cref="NotNull"/> is null rather than false so that <c>not_null: false</c> and no
/// check at all are the same definition. <see cref="Min"/> and <see cref="Max"/> fit numeric features,
/// <see cref="AllowedValues"/> string, int32 and int64 features (held as written); the rest fit every type.
/// </summary>
public sealed record FeatureChecks
{
    public bool? NotNull { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? MaxNullFraction { get; init; }

    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Overrides the view's default severity for this feature's checks.</summary>
    public CheckSeverity? Severity { get; init; }
}
