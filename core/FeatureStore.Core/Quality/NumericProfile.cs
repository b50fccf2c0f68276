using System.Text.Json.Serialization;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Figures of a numeric feature over its values that are neither null nor NaN (NaNs are counted apart).
/// <see cref="Percentiles"/> holds the quantiles at 0%, 1%, ..., 100% (101 values, linear interpolation between
/// order statistics; empty when there are no values; see <see cref="PercentilesApproximate"/>): the printed p1 p5 p25 p50 p75 p95 p99 come from it, and it is the distribution sketch drift is measured
/// on (<see cref="DriftCalculator"/>). <see cref="StdDev"/> is the sample standard deviation.
/// </summary>
public sealed record NumericProfile
{
    /// <summary>The percentiles printed by default.</summary>
    public static IReadOnlyList<int> PrintedPercentiles { get; } = [1, 5, 25, 50, 75, 95, 99];

    public long Nans { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public double? Mean { get; init; }

    public double? StdDev { get; init; }

    public IReadOnlyList<double> Percentiles { get; init; } = [];

    /// <summary>
    /// True when the percentiles are estimates (DuckDB's t-digest), as for very large profiles; exact otherwise.
    /// </summary>
    public bool PercentilesApproximate { get; init; }

    public Histogram? Histogram { get; init; }

    /// <summary>The value at percentile <paramref name="percent"/> (0..100), null when there are no values.</summary>
    public double? Percentile(int percent) =>
        Percentiles.Count == 101 && percent is >= 0 and <= 100 ? Percentiles[percent] : null;

    [JsonIgnore]
    public bool HasValues => Percentiles.Count == 101;
}

/// <summary>
/// Counts of values in equal-width bins from the minimum to the maximum (the last bin includes the maximum).
/// <see cref="Edges"/> has one more entry than <see cref="Counts"/>.
/// </summary>
public sealed record Histogram(IReadOnlyList<double> Edges, IReadOnlyList<long> Counts)
{
    public const int DefaultBins = 20;
}
