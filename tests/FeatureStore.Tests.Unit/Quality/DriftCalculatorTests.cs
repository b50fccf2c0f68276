using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;

namespace FeatureStore.Tests.Quality;

/// <summary>PSI, KS and Jensen-Shannon against values computed by hand (the arithmetic is in each test's comments).</summary>
public sealed class DriftCalculatorTests
{
    private const double Tolerance = 1e-6;

    /// <summary>Percentiles of a uniform distribution on [low, low + 100]: percentile p is low + p.</summary>
    private static double[] Uniform(double low) => Enumerable.Range(0, 101).Select(p => low + p).ToArray();

    [Fact]
    public void Psi_of_bin_shares_matches_the_hand_computed_value()
    {
        // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.25 ln 2 + 0.25 ln 1.5 = 0.173287 + 0.101366
        Assert.Equal(0.274653, DriftCalculator.PsiOfShares([0.5, 0.5], [0.25, 0.75]), Tolerance);
    }

    [Fact]
    public void Psi_counts_an_empty_bin_as_epsilon()
    {
        // (1e-4 - 0.5) ln(1e-4 / 0.5) + (1 - 0.5) ln(1 / 0.5) = 0.4999 * 8.517193 + 0.5 * 0.693147
        Assert.Equal(4.257744 + 0.346574, DriftCalculator.PsiOfShares([0.5, 0.5], [0, 1]), Tolerance);
    }

    [Fact]
    public void Psi_cuts_ten_bins_at_the_reference_deciles()
    {
        // Reference uniform on [0, 100]: deciles 10..90, a share of 0.1 per bin. Current uniform on [10, 110]: nothing
        // at or below 10, 0.1 in each of the eight inner bins, 0.2 above 90. Only the first and last bins differ:
        // (1e-4 - 0.1) ln(1e-4 / 0.1) + (0.2 - 0.1) ln(0.2 / 0.1) = 0.0999 * 6.907755 + 0.1 * 0.693147 = 0.690085 + 0.069315
        Assert.Equal(0.759400, DriftCalculator.Psi(Uniform(0), Uniform(10)), Tolerance);
        Assert.Equal(0, DriftCalculator.Psi(Uniform(0), Uniform(0)), Tolerance);
    }

    [Fact]
    public void Ks_is_the_largest_gap_between_the_cumulative_distributions()
    {
        // Two uniforms 10 apart: F_ref(x) - F_cur(x) = 0.1 wherever both are inside [0, 110].
        Assert.Equal(0.1, DriftCalculator.Ks(Uniform(0), Uniform(10)), Tolerance);
        Assert.Equal(0.5, DriftCalculator.Cdf(Uniform(0), 50), Tolerance);
        Assert.Equal(0.505, DriftCalculator.Cdf(Uniform(0), 50.5), Tolerance);
        Assert.Equal(0, DriftCalculator.Cdf(Uniform(0), -1));
        Assert.Equal(1, DriftCalculator.Cdf(Uniform(0), 100));
    }

    [Fact]
    public void A_value_many_rows_hold_counts_all_its_rows_below_its_edge()
    {
        // 70% zeros, 30% ones: percentiles 0..70 are 0, 71..100 are 1, so F(0) = 0.7.
        var percentiles = Enumerable.Range(0, 101).Select(p => p <= 70 ? 0.0 : 1.0).ToArray();
        Assert.Equal(0.7, DriftCalculator.Cdf(percentiles, 0), Tolerance);
        Assert.Equal(0, DriftCalculator.Psi(percentiles, percentiles), Tolerance);
    }

    [Fact]
    public void Jensen_Shannon_distance_matches_the_hand_computed_value()
    {
        // p = (0.5, 0.5), q = (1, 0), m = (0.75, 0.25).
        // KL(p||m) = 0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25) = -0.292481 + 0.5 = 0.207519; KL(q||m) = log2(1/0.75) = 0.415037
        // JS = (0.207519 + 0.415037) / 2 = 0.311278; distance = sqrt(0.311278) = 0.557923
        Assert.Equal(0.557923, DriftCalculator.JensenShannonDistance([0.5, 0.5], [1, 0]), Tolerance);
        Assert.Equal(0, DriftCalculator.JensenShannonDistance([0.3, 0.7], [0.3, 0.7]), Tolerance);
        Assert.Equal(1, DriftCalculator.JensenShannonDistance([1, 0], [0, 1]), Tolerance);
    }

    [Fact]
    public void Categories_compare_over_the_reference_top_values_plus_other()
    {
        // Reference of 100 values: a 50, b 30, the rest (20) other. Current of 100: a 50, c 50 (c is not a reference
        // top value, so it is "other"): p = (a .5, b .3, other .2), q = (a .5, b 0, other .5), m = (.5, .15, .35).
        // KL(p||m) = .3 log2(.3/.15) + .2 log2(.2/.35) = .3 - .161471 = .138529; KL(q||m) = .5 log2(.5/.35) = .257286
        // JS = (.138529 + .257286) / 2 = .197908; distance = .444869
        var reference = TextProfile("s", 100, ("a", 50), ("b", 30));
        var current = TextProfile("s", 100, ("a", 50), ("c", 50));

        var drift = DriftCalculator.Compare(reference, current, DriftThresholds.Default).Features.Single();

        Assert.Equal(DriftMethod.JensenShannon, drift.Method);
        Assert.Equal(0.444869, drift.JsDistance!.Value, Tolerance);
        Assert.Equal(DriftVerdict.Drift, drift.Verdict);
    }

    [Fact]
    public void Verdicts_follow_the_thresholds_or_the_views_max_drift_psi()
    {
        Assert.Equal(DriftVerdict.Ok, DriftThresholds.Default.Judge(0.099));
        Assert.Equal(DriftVerdict.Warning, DriftThresholds.Default.Judge(0.1));
        Assert.Equal(DriftVerdict.Drift, DriftThresholds.Default.Judge(0.25));
        Assert.Equal(DriftVerdict.Warning, DriftThresholds.For(0.5).Judge(0.3));
        Assert.Equal(DriftVerdict.Drift, DriftThresholds.For(0.05).Judge(0.06));
    }

    [Fact]
    public void The_null_fraction_change_is_reported_and_timestamps_are_not_scored()
    {
        var reference = Profile(new FeatureProfile { Name = "t", Type = FeatureType.Parse("timestamp"), Count = 100, Nulls = 10, Timestamp = new TimestampProfile() });
        var current = Profile(new FeatureProfile { Name = "t", Type = FeatureType.Parse("timestamp"), Count = 100, Nulls = 40, Timestamp = new TimestampProfile() });

        var drift = DriftCalculator.Compare(reference, current, DriftThresholds.Default).Features.Single();

        Assert.Equal(DriftVerdict.NotCompared, drift.Verdict);
        Assert.Equal(0.3, drift.NullFractionChange!.Value, Tolerance);
    }

    private static FeatureViewProfile TextProfile(string name, long count, params (string Value, long Count)[] top) =>
        Profile(new FeatureProfile
        {
            Name = name, Type = FeatureType.Parse("string"), Count = count, Nulls = 0,
            Text = new TextProfile { TopValues = top.Select(t => new ValueCount(t.Value, t.Count)).ToArray() },
        });

    private static FeatureViewProfile Profile(params FeatureProfile[] features) => new()
    {
        View = "v", Subject = "test", ComputedAt = DateTimeOffset.UnixEpoch, RowCount = features[0].Count, Features = features,
    };
}
