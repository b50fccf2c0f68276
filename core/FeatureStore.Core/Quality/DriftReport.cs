namespace FeatureStore.Core.Quality;

/// <summary>How a feature's distribution is compared.</summary>
public enum DriftMethod
{
    /// <summary>Numbers: population stability index over the reference's deciles, plus the KS statistic.</summary>
    Psi,

    /// <summary>Strings, bytes and bools: Jensen-Shannon distance over the reference's top values plus "other".</summary>
    JensenShannon,

    /// <summary>Timestamps and lists: only the null fraction is compared.</summary>
    None,
}

/// <summary>A feature's drift verdict against <see cref="DriftThresholds"/>.</summary>
public enum DriftVerdict
{
    Ok,
    Warning,
    Drift,

    /// <summary>No score: the type has no distribution comparison, a side has no values, or the reference lacks the feature.</summary>
    NotCompared,
}

/// <summary>
/// One feature's drift. <see cref="Score"/> is what the verdict is judged on: <see cref="Psi"/> for numbers,
/// <see cref="JsDistance"/> for categories. <see cref="Note"/> says why a feature was not compared.
/// </summary>
public sealed record FeatureDrift
{
    public required string Feature { get; init; }

    public required DriftMethod Method { get; init; }

    public double? Psi { get; init; }

    /// <summary>Kolmogorov-Smirnov statistic: the largest gap between the two cumulative distributions.</summary>
    public double? Ks { get; init; }

    /// <summary>Jensen-Shannon distance (square root of the divergence, base 2): 0 same, 1 disjoint.</summary>
    public double? JsDistance { get; init; }

    public double? ReferenceNullFraction { get; init; }

    public double? CurrentNullFraction { get; init; }

    public required DriftVerdict Verdict { get; init; }

    public string? Note { get; init; }

    public double? Score => Method switch
    {
        DriftMethod.Psi => Psi,
        DriftMethod.JensenShannon => JsDistance,
        _ => null,
    };

    public double? NullFractionChange => CurrentNullFraction - ReferenceNullFraction;
}

/// <summary>The thresholds a drift score is judged against: at or above <see cref="Warning"/> warns, at or above <see cref="Drift"/> drifts.</summary>
public sealed record DriftThresholds(double Warning, double Drift)
{
    public const double DefaultWarning = 0.1;
    public const double DefaultDrift = 0.25;

    public static DriftThresholds Default { get; } = new(DefaultWarning, DefaultDrift);

    /// <summary>The defaults, with the drift threshold replaced by a view's <c>max_drift_psi</c> when it has one.</summary>
    public static DriftThresholds For(double? maxDriftPsi) =>
        maxDriftPsi is { } limit ? new DriftThresholds(Math.Min(DefaultWarning, limit), limit) : Default;

    public DriftVerdict Judge(double score) =>
        score >= Drift ? DriftVerdict.Drift : score >= Warning ? DriftVerdict.Warning : DriftVerdict.Ok;
}

/// <summary>What <c>featurestore drift</c> prints: per feature of the current profile, its drift from the reference.</summary>
public sealed record DriftReport
{
    public required string View { get; init; }

    /// <summary>The reference's <see cref="FeatureViewProfile.Subject"/>.</summary>
    public required string Reference { get; init; }

    /// <summary>The current side's <see cref="FeatureViewProfile.Subject"/>.</summary>
    public required string Current { get; init; }

    public required DriftThresholds Thresholds { get; init; }

    public required IReadOnlyList<FeatureDrift> Features { get; init; }

    public bool AnyDrift => Features.Any(f => f.Verdict == DriftVerdict.Drift);
}
