using System.Text.RegularExpressions;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;
using FeatureStore.Server.Catalog.Web;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

/// <summary>The quality section of a view's page, rendered directly from recorded runs.</summary>
public sealed class QualitySectionRenderingTests
{
    private const string Hostile = "<script>alert(1)</script>";

    private static ProfileRun Run(DateTimeOffset ranAt, double psi, RunOutcome outcome = RunOutcome.Written) => new()
    {
        View = "driver_hourly_stats",
        RanAt = ranAt,
        End = ranAt,
        Outcome = outcome,
        Profile = new FeatureViewProfile
        {
            View = "driver_hourly_stats",
            Subject = "window:..2025-03-01T12:00:00Z",
            ComputedAt = ranAt,
            RowCount = 10,
            Features =
            [
                new FeatureProfile
                {
                    Name = "conv_rate", Type = FeatureType.Parse("float32"), Count = 10, Nulls = 2,
                    Numeric = new NumericProfile
                    {
                        Min = 0, Max = 1, Mean = 0.5, StdDev = 0.1,
                        Percentiles = Enumerable.Range(0, 101).Select(p => p / 100.0).ToArray(),
                        Histogram = new Histogram([0, 0.25, 0.5, 0.75, 1], [1, 0, 6, 1]),
                    },
                },
                new FeatureProfile
                {
                    Name = "city", Type = FeatureType.Parse("string"), Count = 10, Nulls = 0,
                    Text = new TextProfile { ApproxDistinct = 2, TopValues = [new ValueCount("paris", 7), new ValueCount(Hostile, 3)] },
                },
            ],
        },
        Checks =
        [
            new CheckResult { View = "driver_hourly_stats", Feature = "conv_rate", Check = "not_null", Severity = CheckSeverity.Error, Passed = false, Observed = "null fraction 0.2 > 0", Rows = 2, ExampleKeys = [$"driver_id={Hostile}"] },
            new CheckResult { View = "driver_hourly_stats", Feature = "city", Check = "allowed_values", Severity = CheckSeverity.Warn, Passed = false, Observed = $"value '{Hostile}' not allowed" },
            new CheckResult { View = "driver_hourly_stats", Feature = "conv_rate", Check = "max", Severity = CheckSeverity.Error, Passed = true, Observed = "max 1 <= 1" },
        ],
        Drift = new DriftReport
        {
            View = "driver_hourly_stats",
            Reference = $"profile:{Hostile}",
            Current = "window:..2025-03-01T12:00:00Z",
            Thresholds = DriftThresholds.Default,
            Features =
            [
                new FeatureDrift { Feature = "conv_rate", Method = DriftMethod.Psi, Psi = psi, Verdict = DriftThresholds.Default.Judge(psi) },
                new FeatureDrift { Feature = "city", Method = DriftMethod.JensenShannon, JsDistance = 0.05, Verdict = DriftVerdict.Ok },
            ],
        },
    };

    private static string Render(params ProfileRun[] newestFirst)
    {
        var catalog = CatalogOf(Rides());
        return ViewPage.Render(catalog, catalog.GetFeatureView("driver_hourly_stats"), QualityCatalog.Summarize("driver_hourly_stats", newestFirst), T0);
    }

    [Fact]
    public void Histogram_bars_follow_the_bin_counts_and_sparkline_has_a_point_per_run()
    {
        var html = Render(Run(T0, 0.4, RunOutcome.Blocked), Run(T0.AddHours(-1), 0.12), Run(T0.AddHours(-2), 0.01));

        var conv = Regex.Match(html, "<tr id=\"profile-conv_rate\">.*?</tr>", RegexOptions.Singleline).Value;
        var histogram = Regex.Match(conv, "<svg class=\"chart histogram\".*?</svg>", RegexOptions.Singleline).Value;
        var heights = Regex.Matches(histogram, "<rect [^>]*height=\"([^\"]+)\"").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, heights.Length);
        Assert.Equal(0, heights[1]);
        Assert.Equal(38, heights[2]);
        Assert.True(heights[0] is > 0 and < 38 && heights[0] == heights[3]);
        var points = Regex.Match(conv, "<polyline points=\"([^\"]+)\"").Groups[1].Value.Split(' ');
        Assert.Equal(3, points.Length);
        Assert.Contains("PSI of conv_rate over 3 recorded runs: 0.01 → 0.12 → 0.4", conv);
        Assert.Contains("<circle class=\"drift\"", conv);
        Assert.Contains("<span class=\"badge drift\">drift</span> <span class=\"mono\">PSI 0.4</span>", conv);
        Assert.Contains("20%", conv);
        Assert.Contains("not written: an error check failed", html);
        Assert.Contains("<span class=\"badge check fail\" title=\"fail: null fraction 0.2 &gt; 0\">conv_rate not_null</span>", html);
        Assert.Contains("<span class=\"badge check pass\"", html);
        Assert.Contains("<span class=\"badge check warn\"", html);
        Assert.Contains("3 recorded runs", html);
    }

    [Fact]
    public void Values_keys_and_references_from_the_data_are_html_encoded()
    {
        var html = Render(Run(T0, 0.3));

        Assert.DoesNotContain("<script", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Fact]
    public void A_view_without_recorded_runs_says_how_to_get_a_profile()
    {
        var html = Render();

        Assert.Contains("id=\"no-profile\"", html);
        Assert.DoesNotContain("<svg", html);
    }
}
