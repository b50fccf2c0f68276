using System.Globalization;
using System.Text;
using FeatureStore.Core.Quality;

namespace FeatureStore.Materializer.Quality;

/// <summary>How <c>profile</c>, <c>check</c> and <c>drift</c> print for people (their <c>--json</c> is <see cref="ProfileJson"/>).</summary>
internal static class QualityText
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static string Profile(FeatureViewProfile profile)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"{profile.View}: {profile.RowCount:N0} rows, {profile.Subject} (profiled {Time(profile.ComputedAt)})"));
        foreach (var feature in profile.Features)
        {
            text.AppendLine(Invariant($"{feature.Name} ({feature.Type}): {feature.Count - feature.Nulls:N0} values, {feature.Nulls:N0} nulls ({Percent(feature.NullFraction)})"));
            if (feature.Numeric is { } n)
            {
                var nans = feature.Type.Scalar is Core.Definitions.ScalarType.Float32 or Core.Definitions.ScalarType.Float64 ? Invariant($"NaN {n.Nans:N0}  ") : "";
                text.AppendLine(Invariant($"  {nans}min {Number(n.Min)}  max {Number(n.Max)}  mean {Number(n.Mean)}  std {Number(n.StdDev)}"));
                if (n.HasValues)
                {
                    text.AppendLine("  " + string.Join("  ", NumericProfile.PrintedPercentiles.Select(p => $"p{p} {Number(n.Percentile(p))}")));
                }
                if (n.Histogram is { } histogram)
                {
                    text.AppendLine($"  histogram {Number(histogram.Edges[0])} {Sparkline(histogram.Counts)} {Number(histogram.Edges[^1])}");
                    text.AppendLine("    " + string.Join(" ", histogram.Counts.Select(c => c.ToString(CultureInfo.InvariantCulture))));
                }
            }
            if (feature.Text is { } t)
            {
                text.AppendLine(Invariant($"  ~{t.ApproxDistinct:N0} distinct  length min {Number(t.LengthMin)} mean {Number(t.LengthMean)} max {Number(t.LengthMax)}"));
                if (t.TopValues.Count > 0)
                {
                    text.AppendLine("  top: " + string.Join(", ", t.TopValues.Select(v => Invariant($"{v.Value} {v.Count:N0}"))));
                }
            }
            if (feature.Bool is { } b)
            {
                text.AppendLine(Invariant($"  true {b.TrueCount:N0}, false {b.FalseCount:N0} (true fraction {Number(b.TrueFraction)})"));
            }
            if (feature.Timestamp is { } ts)
            {
                text.AppendLine($"  min {(ts.Min is { } min ? Time(min) : "-")}  max {(ts.Max is { } max ? Time(max) : "-")}");
            }
            if (feature.List is { } l)
            {
                text.AppendLine(Invariant($"  length min {Number(l.LengthMin)} mean {Number(l.LengthMean)} max {Number(l.LengthMax)}; {l.Elements:N0} elements, {l.ElementNulls:N0} null"));
            }
        }
        return text.ToString();
    }

    public static string Drift(DriftReport report)
    {
        var rows = new List<string[]> { new[] { "FEATURE", "METHOD", "SCORE", "KS", "NULL FRACTION", "VERDICT" } };
        foreach (var f in report.Features)
        {
            rows.Add([
                f.Feature,
                f.Method switch { DriftMethod.Psi => "psi", DriftMethod.JensenShannon => "js", _ => "-" },
                Number(f.Score),
                Number(f.Ks),
                f.ReferenceNullFraction is { } r && f.CurrentNullFraction is { } c
                    ? $"{Number(r)} -> {Number(c)} ({(c - r >= 0 ? "+" : "")}{Number(c - r)})"
                    : "-",
                f.Verdict switch
                {
                    DriftVerdict.NotCompared => $"not compared: {f.Note}",
                    var v => v.ToString().ToLowerInvariant(),
                },
            ]);
        }
        var text = new StringBuilder();
        text.AppendLine($"{report.View}: {report.Current} against {report.Reference}");
        text.AppendLine($"thresholds: warning at {Number(report.Thresholds.Warning)}, drift at {Number(report.Thresholds.Drift)}");
        AppendTable(text, rows);
        var drifted = report.Features.Where(f => f.Verdict == DriftVerdict.Drift).Select(f => f.Feature).ToArray();
        text.AppendLine(drifted.Length == 0 ? "no feature drifted" : $"drifted: {string.Join(", ", drifted)}");
        return text.ToString();
    }

    public static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    public static string Sparkline(IReadOnlyList<long> counts)
    {
        var max = counts.Count == 0 ? 0 : counts.Max();
        return new string(counts.Select(c => c == 0 ? ' ' : Bars[(int)Math.Min(Bars.Length - 1, c * Bars.Length / Math.Max(1, max + 1))]).ToArray());
    }

    public static string Number(double? value) => value is { } v ? Number(v) : "-";

    public static string Number(long? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-";

    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf")
        : Math.Abs(value) >= 1e9 || (value != 0 && Math.Abs(value) < 1e-4) ? value.ToString("G6", CultureInfo.InvariantCulture)
        : Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Time(DateTimeOffset time) => ProfileReference.FormatTime(time);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
