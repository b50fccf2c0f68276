using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// The quality part of a view's page, from its recorded materialization runs: the newest run (outcome, rows, every
/// check as a badge), then per feature its newest profile as an inline SVG histogram with null fraction, p50 and p95,
/// its drift against the view's reference, and a sparkline of its drift score over the recorded runs.
/// </summary>
internal static class QualitySection
{
    public static Html Render(FeatureViewDefinition view, ViewQuality quality)
    {
        var runs = quality.RecordedRuns == 1 ? "1 recorded run" : $"{quality.RecordedRuns} recorded runs";
        if (quality.LastRun is not { } run)
        {
            return HtmlBuilder.Of($"""
                <h2 id="quality">Quality</h2>
                <p class="empty" id="no-profile">No profile recorded yet. Every materialization (<code>featurestore materialize</code>, or this server's scheduled and HTTP runs) records the profile of the rows it selects and the result of the view's checks.</p>
                """);
        }
        return HtmlBuilder.Of($"""
            <h2 id="quality">Quality <span class="count">{runs}</span></h2>
            {LastRun(run, quality)}
            {Profiles(view, run, quality)}
            """);
    }

    private static Html LastRun(ProfileRun run, ViewQuality quality)
    {
        var outcome = run.Outcome == RunOutcome.Blocked
            ? Html.Trusted("<span class=\"badge check fail\">not written: an error check failed</span>")
            : Html.Trusted("<span class=\"badge fresh\">written</span>");
        var checks = run.Checks.Count == 0
            ? Html.Trusted("<span class=\"muted\">The view has no checks.</span>")
            : HtmlBuilder.Of($"{run.Checks.Select(CheckBadge)}");
        var failures = run.Checks.Where(c => !c.Passed).ToArray();
        var failureList = failures.Length == 0
            ? Html.Empty
            : HtmlBuilder.Of($"<ul class=\"failures\">{failures.Select(f => HtmlBuilder.Of($"<li><strong>{Label(f)}</strong>: {f.Observed}{Examples(f)}</li>"))}</ul>");
        var drift = quality.LatestDrift is { } report
            ? HtmlBuilder.Of($"<p class=\"drift-reference\">Drift against <code>{report.Reference}</code> (warning at {InlineSvg.Number(report.Thresholds.Warning)}, drift at {InlineSvg.Number(report.Thresholds.Drift)}){(report.AnyDrift ? Html.Trusted(": <span class=\"badge drift\">drift</span>") : Html.Empty)}.</p>")
            : Html.Trusted("<p class=\"muted\">No drift measured: the view has no <code>reference</code>.</p>");
        return HtmlBuilder.Of($"""
            <section class="panel quality{(run.Outcome == RunOutcome.Blocked ? " is-blocked" : "")}" id="last-run">
            <div class="headline">{outcome} <span class="muted">last run {AgeText.Timestamp(run.RanAt)} · {run.Profile.RowCount.ToString("N0", CultureInfo.InvariantCulture)} rows of <code>{run.Profile.Subject}</code></span></div>
            <div class="checks" id="checks">{checks}</div>{failureList}
            {drift}
            </section>
            """);
    }

    private static Html CheckBadge(CheckResult check)
    {
        var status = check.Passed ? "pass" : check.Severity == CheckSeverity.Error ? "fail" : "warn";
        return HtmlBuilder.Of($"<span class=\"badge check {status}\" title=\"{status}: {check.Observed}\">{Label(check)}</span>");
    }

    private static string Label(CheckResult check) => check.Feature is null ? check.Check : $"{check.Feature} {check.Check}";

    private static Html Examples(CheckResult check) =>
        check.ExampleKeys.Count == 0 ? Html.Empty : HtmlBuilder.Of($" <span class=\"muted\">(e.g. {string.Join("; ", check.ExampleKeys)})</span>");

    private static Html Profiles(FeatureViewDefinition view, ProfileRun run, ViewQuality quality)
    {
        var rows = run.Profile.Features.Select(feature =>
        {
            var drift = quality.LatestDrift?.Features.FirstOrDefault(d => d.Feature == feature.Name);
            quality.DriftHistory.TryGetValue(feature.Name, out var history);
            var measure = drift?.Method == DriftMethod.JensenShannon ? "JS distance" : "PSI";
            var numeric = feature.Numeric;
            return HtmlBuilder.Of($"""
                <tr id="profile-{feature.Name}"><td><code>{feature.Name}</code> <span class="muted">{feature.Type.ToString()}</span></td><td class="distribution">{Distribution(feature)}</td><td>{Percent(feature.NullFraction)} <span class="muted">({feature.Nulls.ToString("N0", CultureInfo.InvariantCulture)})</span></td><td>{Value(numeric?.Percentile(50))}</td><td>{Value(numeric?.Percentile(95))}</td><td>{DriftBadge(drift)}</td><td>{(history is null ? Html.Empty : InlineSvg.Sparkline(feature.Name, measure, history, quality.LatestDrift?.Thresholds ?? DriftThresholds.For(view.Checks?.MaxDriftPsi)))}</td></tr>
                """);
        });
        return HtmlBuilder.Of($"""
            <table class="profile"><thead><tr><th>Feature</th><th>Distribution</th><th>Nulls</th><th>p50</th><th>p95</th><th>Drift</th><th>Drift over runs</th></tr></thead>
            <tbody>{rows}</tbody></table>
            """);
    }

    private static Html Distribution(FeatureProfile feature)
    {
        if (feature.Numeric is { Histogram: { } histogram } numeric && histogram.Counts.Count > 0)
        {
            return HtmlBuilder.Of($"{InlineSvg.Histogram(feature.Name, histogram)}<div class=\"range muted\">{Value(numeric.Min)} – {Value(numeric.Max)}</div>");
        }
        if (feature.Text is { TopValues.Count: > 0 } text)
        {
            return HtmlBuilder.Of($"{InlineSvg.Categories(feature.Name, text.TopValues.Select(v => (v.Value, v.Count)).ToArray())}<div class=\"range muted\">~{text.ApproxDistinct.ToString("N0", CultureInfo.InvariantCulture)} distinct</div>");
        }
        if (feature.Bool is { } flag && flag.TrueCount + flag.FalseCount > 0)
        {
            return HtmlBuilder.Of($"{InlineSvg.Categories(feature.Name, [("true", flag.TrueCount), ("false", flag.FalseCount)])}<div class=\"range muted\">{Percent(flag.TrueFraction ?? 0)} true</div>");
        }
        if (feature.Timestamp is { Min: { } min, Max: { } max })
        {
            return HtmlBuilder.Of($"<span class=\"muted\">{AgeText.Timestamp(min)} – {AgeText.Timestamp(max)}</span>");
        }
        if (feature.List is { LengthMin: { } lmin, LengthMax: { } lmax } list)
        {
            return HtmlBuilder.Of($"<span class=\"muted\">length {lmin}–{lmax}, mean {InlineSvg.Number(list.LengthMean ?? 0)}; {list.ElementNulls} null elements</span>");
        }
        return Html.Trusted("<span class=\"muted\">no values</span>");
    }

    private static Html DriftBadge(FeatureDrift? drift)
    {
        if (drift is null)
        {
            return Html.Trusted("<span class=\"muted\">—</span>");
        }
        if (drift.Score is not { } score)
        {
            return HtmlBuilder.Of($"<span class=\"badge not-compared\" title=\"{drift.Note ?? "not compared"}\">not compared</span>");
        }
        var measure = drift.Method == DriftMethod.JensenShannon ? "JS" : "PSI";
        var verdict = drift.Verdict switch
        {
            DriftVerdict.Ok => "ok",
            DriftVerdict.Warning => "warning",
            _ => "drift",
        };
        return HtmlBuilder.Of($"<span class=\"badge {InlineSvg.VerdictClass(drift.Verdict)}\">{verdict}</span> <span class=\"mono\">{measure} {score.ToString("0.###", CultureInfo.InvariantCulture)}</span>");
    }

    private static string Value(double? value) => value is { } v ? InlineSvg.Number(v) : "—";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
