using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Quality;

/// <summary>Drift measured on profiles computed by DuckDB from generated samples of 100,000 rows.</summary>
public sealed class DriftDetectionTests
{
    private const int Rows = 100_000;

    private static readonly FeatureViewDefinition View = new()
    {
        Name = "stats", Entities = ["driver"], Source = "stats_source",
        Features = [new() { Name = "x", Type = FeatureType.Parse("float64") }, new() { Name = "city", Type = FeatureType.Parse("string") }],
    };

    private static readonly DefinitionSet Definitions = new()
    {
        Project = "drift_test",
        Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") }],
        Sources = [new SourceDefinition { Name = "stats_source", Path = "x.parquet", TimestampField = "event_timestamp" }],
        FeatureViews = [View],
    };

    private static async IAsyncEnumerable<OnlineViewRow> Sample(int seed, double mean, double[] cityWeights)
    {
        var random = new Random(seed);
        for (var i = 0; i < Rows; i++)
        {
            var gaussian = mean + Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var pick = random.NextDouble();
            var city = 0;
            while (city < cityWeights.Length - 1 && pick >= cityWeights[city])
            {
                pick -= cityWeights[city];
                city++;
            }
            yield return new OnlineViewRow(0, 0, [gaussian, $"city{city}"]);
        }
        await Task.CompletedTask;
    }

    private static Task<FeatureViewProfile> ProfileAsync(int seed, double mean, double[] cityWeights) =>
        new DuckDbFeatureProfiler().ProfileRowsAsync(Definitions, View, Sample(seed, mean, cityWeights), $"sample {seed}");

    [Fact]
    public async Task A_mean_shifted_by_one_standard_deviation_drifts()
    {
        var reference = await ProfileAsync(seed: 1, mean: 0, [0.5, 0.3, 0.2]);
        var shifted = await ProfileAsync(seed: 2, mean: 1, [0.2, 0.3, 0.5]);

        var report = DriftCalculator.Compare(reference, shifted, DriftThresholds.Default);

        var x = report.Features.Single(f => f.Feature == "x");
        Assert.Equal(DriftVerdict.Drift, x.Verdict);
        Assert.True(x.Psi > 0.25, $"PSI {x.Psi}");
        // KS of N(0,1) against N(1,1): 2 Φ(0.5) - 1 = 0.3829, within the sketch's 0.01 and sampling noise.
        Assert.InRange(x.Ks!.Value, 0.36, 0.40);
        Assert.Equal(DriftVerdict.Drift, report.Features.Single(f => f.Feature == "city").Verdict);
        Assert.True(report.AnyDrift);
    }

    [Fact]
    public async Task A_resample_of_the_same_distribution_does_not_drift()
    {
        var reference = await ProfileAsync(seed: 1, mean: 0, [0.5, 0.3, 0.2]);
        var resample = await ProfileAsync(seed: 3, mean: 0, [0.5, 0.3, 0.2]);

        var report = DriftCalculator.Compare(reference, resample, DriftThresholds.Default);

        Assert.All(report.Features, f => Assert.Equal(DriftVerdict.Ok, f.Verdict));
        var x = report.Features.Single(f => f.Feature == "x");
        Assert.True(x.Psi < 0.01, $"PSI {x.Psi}");
        Assert.True(x.Ks < 0.02, $"KS {x.Ks}");
        Assert.False(report.AnyDrift);
    }
}
