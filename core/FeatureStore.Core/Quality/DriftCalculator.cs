using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Compares two profiles of a view feature by feature. Both sides are profiles, so any two of a training set, a
/// saved profile, a window, the online values or the last run compare the same way:
/// <list type="bullet">
/// <item>numbers: PSI over 10 bins cut at the reference's deciles (ties merge bins), with <see cref="Epsilon"/> for
/// empty bins, and the KS statistic. Each side's cumulative distribution is read off its 101 exact percentiles
/// with linear interpolation between them, so a fraction is known to within one percentile (0.01);</item>
/// <item>strings, bytes and bools: Jensen-Shannon distance (base 2) over the reference's top values plus an "other"
/// bucket; a reference top value missing from the current side's top values counts as "other" there;</item>
/// <item>every type: the change of the null fraction.</item>
/// </list>
/// </summary>
public static class DriftCalculator
{
    /// <summary>Stands in for an empty bin's fraction so the logarithm stays finite.</summary>
    public const double Epsilon = 1e-4;

    public const int PsiBins = 10;

    public static DriftReport Compare(FeatureViewProfile reference, FeatureViewProfile current, DriftThresholds thresholds)
    {
        var features = new List<FeatureDrift>();
        foreach (var feature in current.Features)
        {
            features.Add(CompareFeature(reference.Find(feature.Name), feature, thresholds));
        }
        return new DriftReport
        {
            View = current.View,
            Reference = reference.Subject,
            Current = current.Subject,
            Thresholds = thresholds,
            Features = features,
        };
    }

    private static FeatureDrift CompareFeature(FeatureProfile? reference, FeatureProfile current, DriftThresholds thresholds)
    {
        var method = MethodFor(current.Type);
        if (reference is null)
        {
            return new FeatureDrift
            {
                Feature = current.Name, Method = method, CurrentNullFraction = current.NullFraction,
                Verdict = DriftVerdict.NotCompared, Note = "the reference has no profile of this feature",
            };
        }
        var drift = new FeatureDrift
        {
            Feature = current.Name,
            Method = method,
            ReferenceNullFraction = reference.NullFraction,
            CurrentNullFraction = current.NullFraction,
            Verdict = DriftVerdict.NotCompared,
        };
        if (reference.Type != current.Type)
        {
            return drift with { Note = $"the reference holds it as {reference.Type}, now it is {current.Type}" };
        }
        switch (method)
        {
            case DriftMethod.Psi:
                if (reference.Numeric is not { HasValues: true } r || current.Numeric is not { HasValues: true } c)
                {
                    return drift with { Note = "a side has no values" };
                }
                var psi = Psi(r.Percentiles, c.Percentiles);
                return drift with { Psi = psi, Ks = Ks(r.Percentiles, c.Percentiles), Verdict = thresholds.Judge(psi) };
            case DriftMethod.JensenShannon:
                if (Categories(reference) is not { } p || Categories(current) is not { } q)
                {
                    return drift with { Note = "a side has no values" };
                }
                var (referenceBuckets, currentBuckets) = Align(p, q);
                var js = JensenShannonDistance(referenceBuckets, currentBuckets);
                return drift with { JsDistance = js, Verdict = thresholds.Judge(js) };
            default:
                return drift with { Note = current.Type.IsList ? "lists: only the null fraction is compared" : "timestamps move with time: only the null fraction is compared" };
        }
    }

    public static DriftMethod MethodFor(FeatureType type) => type switch
    {
        { IsList: true } => DriftMethod.None,
        { Scalar: ScalarType.Int32 or ScalarType.Int64 or ScalarType.Float32 or ScalarType.Float64 } => DriftMethod.Psi,
        { Scalar: ScalarType.String or ScalarType.Bytes or ScalarType.Bool } => DriftMethod.JensenShannon,
        _ => DriftMethod.None,
    };

    /// <summary>
    /// Population stability index of <paramref name="current"/> against <paramref name="reference"/>, both given as
    /// 101 percentiles: bins cut at the reference's deciles, each side's share of every bin from its distribution.
    /// </summary>
    public static double Psi(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var edges = new List<double>();
        for (var decile = 1; decile < PsiBins; decile++)
        {
            var edge = reference[decile * 100 / PsiBins];
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }
        return PsiOfShares(BinShares(reference, edges), BinShares(current, edges));
    }

    /// <summary>PSI of two lists of bin shares (each summing to 1): Σ (c − r) · ln(c / r), a share of 0 counted as <see cref="Epsilon"/>.</summary>
    public static double PsiOfShares(IReadOnlyList<double> referenceShares, IReadOnlyList<double> currentShares)
    {
        var psi = 0.0;
        for (var i = 0; i < referenceShares.Count; i++)
        {
            var r = Math.Max(referenceShares[i], Epsilon);
            var c = Math.Max(currentShares[i], Epsilon);
            psi += (c - r) * Math.Log(c / r);
        }
        return psi;
    }

    /// <summary>The KS statistic: the largest gap between the two cumulative distributions, checked at every percentile of both.</summary>
    public static double Ks(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        var gap = 0.0;
        foreach (var x in reference.Concat(current))
        {
            gap = Math.Max(gap, Math.Abs(Cdf(reference, x) - Cdf(current, x)));
        }
        return gap;
    }

    /// <summary>
    /// The share of values at or below <paramref name="x"/> of a distribution given by its 101 percentiles:
    /// linear between neighbouring percentiles; at a run of equal percentiles (a value many rows hold), the last.
    /// </summary>
    public static double Cdf(IReadOnlyList<double> percentiles, double x)
    {
        if (x < percentiles[0])
        {
            return 0;
        }
        if (x >= percentiles[^1])
        {
            return 1;
        }
        // The last percentile at or below x.
        int low = 0, high = percentiles.Count - 1;
        while (high - low > 1)
        {
            var middle = (low + high) / 2;
            if (percentiles[middle] <= x)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }
        var step = 1.0 / (percentiles.Count - 1);
        var width = percentiles[low + 1] - percentiles[low];
        var within = width > 0 ? (x - percentiles[low]) / width : 0;
        return (low + within) * step;
    }

    /// <summary>Jensen-Shannon distance (base 2) of two distributions over the same buckets, each summing to 1.</summary>
    public static double JensenShannonDistance(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        var divergence = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            var m = (p[i] + q[i]) / 2;
            if (p[i] > 0)
            {
                divergence += 0.5 * p[i] * Math.Log2(p[i] / m);
            }
            if (q[i] > 0)
            {
                divergence += 0.5 * q[i] * Math.Log2(q[i] / m);
            }
        }
        return Math.Sqrt(Math.Clamp(divergence, 0, 1));
    }

    private static List<double> BinShares(IReadOnlyList<double> percentiles, IReadOnlyList<double> edges)
    {
        var shares = new List<double>(edges.Count + 1);
        var below = 0.0;
        foreach (var edge in edges)
        {
            var at = Cdf(percentiles, edge);
            shares.Add(at - below);
            below = at;
        }
        shares.Add(1 - below);
        return shares;
    }

    /// <summary>A feature's shares per category (non-null values only), or null when it has no values.</summary>
    private static Dictionary<string, double>? Categories(FeatureProfile feature)
    {
        var nonNull = feature.Count - feature.Nulls;
        if (nonNull <= 0)
        {
            return null;
        }
        if (feature.Bool is { } flags)
        {
            var total = flags.TrueCount + flags.FalseCount;
            return total == 0 ? null : new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["true"] = (double)flags.TrueCount / total,
                ["false"] = (double)flags.FalseCount / total,
            };
        }
        if (feature.Text is not { } text)
        {
            return null;
        }
        return text.TopValues.ToDictionary(v => v.Value, v => (double)v.Count / nonNull, StringComparer.Ordinal);
    }

    /// <summary>Both sides over the reference's categories plus "other" (whatever each side's listed categories leave).</summary>
    private static (double[] Reference, double[] Current) Align(Dictionary<string, double> reference, Dictionary<string, double> current)
    {
        var keys = reference.Keys.Order(StringComparer.Ordinal).ToArray();
        var p = new double[keys.Length + 1];
        var q = new double[keys.Length + 1];
        for (var i = 0; i < keys.Length; i++)
        {
            p[i] = reference[keys[i]];
            q[i] = current.GetValueOrDefault(keys[i]);
        }
        p[^1] = Math.Max(0, 1 - p[..^1].Sum());
        q[^1] = Math.Max(0, 1 - q[..^1].Sum());
        return (p, q);
    }
}
