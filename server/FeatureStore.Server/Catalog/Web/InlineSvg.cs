using System.Globalization;
using FeatureStore.Core.Quality;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// Small charts drawn on the server as inline SVG, so the page needs no script or chart library: a feature's
/// histogram (or its top values as bars) and a sparkline of its drift score over the recorded runs. Every label goes
/// through <see cref="HtmlBuilder"/>, so values from the data cannot inject markup.
/// </summary>
internal static class InlineSvg
{
    public const int ChartWidth = 160;
    public const int ChartHeight = 40;

    /// <summary>One bar per bin, heights relative to the fullest bin; each bar's tooltip gives its range and count.</summary>
    public static Html Histogram(string feature, Histogram histogram)
    {
        var bars = histogram.Counts
            .Select((count, i) => (Label: $"{Number(histogram.Edges[i])} – {Number(histogram.Edges[i + 1])}", Count: count))
            .ToArray();
        return Bars("histogram", $"Histogram of {feature}: {bars.Length} bins from {Number(histogram.Edges[0])} to {Number(histogram.Edges[^1])}", bars);
    }

    /// <summary>Bars for categories (top values, true/false), in the order given.</summary>
    public static Html Categories(string feature, IReadOnlyList<(string Label, long Count)> values) =>
        Bars("categories", $"Most frequent values of {feature}", values);

    private static Html Bars(string kind, string title, IReadOnlyList<(string Label, long Count)> bars)
    {
        if (bars.Count == 0)
        {
            return Html.Empty;
        }
        var max = Math.Max(1, bars.Max(b => b.Count));
        var width = (double)ChartWidth / bars.Count;
        var rects = bars.Select((bar, i) =>
        {
            // A bin holding anything stays visible next to a much fuller one.
            var height = bar.Count == 0 ? 0 : Math.Max(1.5, (ChartHeight - 2) * (double)bar.Count / max);
            return HtmlBuilder.Of(
                $"<rect x=\"{Number(i * width + 0.5)}\" y=\"{Number(ChartHeight - height)}\" width=\"{Number(Math.Max(0.5, width - 1))}\" height=\"{Number(height)}\"><title>{bar.Label}: {bar.Count.ToString("N0", CultureInfo.InvariantCulture)}</title></rect>");
        });
        return HtmlBuilder.Of(
            $"<svg class=\"chart {kind}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{ChartHeight}\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\" role=\"img\" aria-label=\"{title}\"><title>{title}</title><line class=\"axis\" x1=\"0\" y1=\"{ChartHeight - 0.5}\" x2=\"{ChartWidth}\" y2=\"{ChartHeight - 0.5}\"/>{rects}</svg>");
    }

    /// <summary>
    /// The drift score run by run (oldest left), with the drift threshold as a dashed line and the newest point marked
    /// in its verdict's colour.
    /// </summary>
    public static Html Sparkline(string feature, string measure, IReadOnlyList<DriftPoint> points, DriftThresholds thresholds)
    {
        if (points.Count == 0)
        {
            return Html.Empty;
        }
        const double pad = 3;
        var top = Math.Max(thresholds.Drift, points.Max(p => p.Score)) * 1.1;
        double X(int i) => points.Count == 1 ? ChartWidth / 2.0 : pad + i * (ChartWidth - 2 * pad) / (points.Count - 1);
        double Y(double score) => ChartHeight - pad - (ChartHeight - 2 * pad) * Math.Clamp(score / top, 0, 1);
        var line = string.Join(" ", points.Select((p, i) => $"{Number(X(i))},{Number(Y(p.Score))}"));
        var last = points[^1];
        var title = $"{measure} of {feature} over {points.Count} recorded run{(points.Count == 1 ? "" : "s")}: {string.Join(" → ", points.TakeLast(8).Select(p => Number(p.Score)))} (drift at {Number(thresholds.Drift)})";
        return HtmlBuilder.Of(
            $"<svg class=\"chart sparkline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{ChartHeight}\" viewBox=\"0 0 {ChartWidth} {ChartHeight}\" role=\"img\" aria-label=\"{title}\"><title>{title}</title><line class=\"threshold\" x1=\"0\" y1=\"{Number(Y(thresholds.Drift))}\" x2=\"{ChartWidth}\" y2=\"{Number(Y(thresholds.Drift))}\"/><polyline points=\"{line}\"/><circle class=\"{VerdictClass(last.Verdict)}\" cx=\"{Number(X(points.Count - 1))}\" cy=\"{Number(Y(last.Score))}\" r=\"2.5\"/></svg>");
    }

    public static string VerdictClass(DriftVerdict verdict) => verdict switch
    {
        DriftVerdict.Ok => "ok",
        DriftVerdict.Warning => "warning",
        DriftVerdict.Drift => "drift",
        _ => "not-compared",
    };

    /// <summary>Four significant digits, invariant: enough for a label or a coordinate.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
