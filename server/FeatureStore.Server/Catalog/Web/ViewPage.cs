using FeatureStore.Core.Catalog;
using FeatureStore.Core.Scheduling;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// <c>GET /views/{name}</c>: one feature view — facts (owner, entities and join keys, TTL, online, tags, last change),
/// freshness as an age highlighted past the TTL, lineage source → view → services, and the schema.
/// </summary>
internal static class ViewPage
{
    public static string Render(FeatureCatalog catalog, FeatureViewDetail detail, DateTimeOffset now)
    {
        var view = detail.View;
        var body = new HtmlBuilder();
        body.Append($"<div class=\"crumbs\"><a href=\"/\">Catalog</a> / <a href=\"/#feature-views\">feature views</a></div>");
        body.Append($"<h1>{view.Name}</h1><p class=\"lead\">{view.Description ?? "No description."}</p>");

        var entities = detail.Entities.Select(e => HtmlBuilder.Of($"<span class=\"chip key\">{e.Name} · <code>{e.JoinKey}</code> {e.ValueType.ToString()}</span>"));
        var lastChanged = detail.LastChangedIn is { } changed
            ? HtmlBuilder.Of($"<a href=\"/versions#v{changed.Number}\">version {changed.Number}</a> <span class=\"muted\">· {AgeText.Timestamp(changed.AppliedAt)}</span>")
            : Html.Trusted("<span class=\"muted\">unknown</span>");
        var tags = view.Tags.Count == 0 ? Html.Trusted("<span class=\"muted\">none</span>") : CatalogLayout.Tags(view.Tags);
        body.Append($"""
            <dl class="facts">
            <dt>Owner</dt><dd>{view.Owner ?? "—"}</dd>
            <dt>Entities</dt><dd>{entities}</dd>
            <dt>TTL</dt><dd>{AgeText.Ttl(view.Ttl)}</dd>
            <dt>Online</dt><dd>{(view.Online ? "yes (served from the online store)" : "no (offline only)")}</dd>
            <dt>Schedule</dt><dd>{Schedule(detail, now)}</dd>
            <dt>Tags</dt><dd>{tags}</dd>
            <dt>Last changed</dt><dd>{lastChanged}</dd>
            <dt>Reference</dt><dd><code>{view.Name}:&lt;feature&gt;</code> <span class="muted">or</span> <code>{view.Name}</code> <span class="muted">for all features</span></dd>
            </dl>
            """);
        body.Append($"{Freshness(detail, now)}");
        body.Append($"<h2 id=\"lineage\">Lineage</h2>{Lineage(detail)}");
        body.Append($"<h2 id=\"schema\">Schema <span class=\"count\">{view.Features.Count} features</span></h2>{Schema(detail)}");
        return CatalogLayout.Render(catalog, view.Name, null, body.ToHtml());
    }

    /// <summary>The view's materialization schedule and its next run, or that it is materialized on demand only.</summary>
    private static Html Schedule(FeatureViewDetail detail, DateTimeOffset now)
    {
        if (MaterializationScheduler.For(detail.View, detail.Freshness?.State, now) is not { } schedule)
        {
            return Html.Trusted("<span class=\"muted\">none (materialized on demand)</span>");
        }
        var next = schedule.NextRun is not { } at ? Html.Trusted("no further run")
            : schedule.IsDue ? Html.Trusted("due now")
            : HtmlBuilder.Of($"{AgeText.Timestamp(at)} <span class=\"muted\">(in {AgeText.Span(at - now)})</span>");
        return HtmlBuilder.Of($"<code>{schedule.Schedule.Text}</code> UTC <span class=\"muted\">· next run</span> <span id=\"next-run\">{next}</span>");
    }

    private static Html Freshness(FeatureViewDetail detail, DateTimeOffset now)
    {
        if (detail.Freshness is not { } freshness || freshness.AgeAt(now) is not { } age)
        {
            return Html.Trusted("<section class=\"panel freshness\" id=\"freshness\"><div class=\"headline\"><span class=\"badge never\">not materialized</span></div><p class=\"muted\">No materialization run has completed for this view, so online reads return nothing yet. Run <code>featurestore materialize</code>.</p></section>");
        }
        var state = freshness.State;
        var stale = freshness.IsStaleAt(now, detail.View.Ttl);
        var details = new List<Html>();
        if (state.Watermark is { } watermark)
        {
            details.Add(HtmlBuilder.Of($"Online data is current up to <strong>{AgeText.Timestamp(watermark)}</strong>."));
        }
        if (state.LastRunAt is { } lastRun)
        {
            var window = state.LastRunStart is { } start && state.LastRunEnd is { } end
                ? HtmlBuilder.Of($" for the window {AgeText.Timestamp(start)} → {AgeText.Timestamp(end)}")
                : Html.Empty;
            details.Add(HtmlBuilder.Of($" Last run {AgeText.Timestamp(lastRun)}{window}: {state.RowsWritten.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} rows written in {AgeText.Span(state.Duration)}."));
        }
        var warning = stale
            ? HtmlBuilder.Of($"<p><strong>Older than the TTL ({AgeText.Ttl(detail.View.Ttl)}):</strong> online reads of this view return expired values until it is materialized again.</p>")
            : Html.Empty;
        return HtmlBuilder.Of($"""
            <section class="panel freshness{(stale ? " is-stale" : "")}" id="freshness">
            <div class="headline"><span class="badge {(stale ? "stale" : "fresh")}">materialized {AgeText.Ago(age)}</span></div>
            <p>{details}</p>{warning}
            </section>
            """);
    }

    private static Html Lineage(FeatureViewDetail detail)
    {
        var source = detail.Source;
        var mapping = source.FieldMapping.Count == 0
            ? Html.Empty
            : HtmlBuilder.Of($"<div>mapping: {source.FieldMapping.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => HtmlBuilder.Of($"<span class=\"chip mono\">{m.Key} → {m.Value}</span>"))}</div>");
        var created = source.CreatedTimestampField is null ? Html.Empty : HtmlBuilder.Of($"<div>created time: <code>{source.CreatedTimestampField}</code></div>");
        var services = detail.UsedByServices.Count == 0
            ? Html.Trusted("<span class=\"muted\">not used by any feature service</span>")
            : HtmlBuilder.Of($"<ul>{detail.UsedByServices.Select(s => HtmlBuilder.Of($"<li><a href=\"/#service-{Uri.EscapeDataString(s)}\">{s}</a></li>"))}</ul>");
        return HtmlBuilder.Of($"""
            <div class="lineage">
            <div class="node source"><span class="kind">Source</span><span class="name">{source.Name}</span>
            {(source.BatchSource is { } batch ? HtmlBuilder.Of($"<div>push source · history from <strong>{batch}</strong></div>") : HtmlBuilder.Of($"<div><code>{source.Path}</code></div><div>event time: <code>{source.TimestampField}</code></div>"))}{created}{mapping}</div>
            <div class="arrow" aria-hidden="true">→</div>
            <div class="node current"><span class="kind">Feature view</span><span class="name">{detail.View.Name}</span>
            <div>{detail.View.Features.Count} features · keyed by {string.Join(", ", detail.Entities.Select(e => e.JoinKey))}</div></div>
            <div class="arrow" aria-hidden="true">→</div>
            <div class="node services"><span class="kind">Feature services</span>{services}</div>
            </div>
            """);
    }

    private static Html Schema(FeatureViewDetail detail)
    {
        var keys = detail.Entities.Select(e => HtmlBuilder.Of(
            $"<tr class=\"join-key\"><td><code>{e.JoinKey}</code> <span class=\"chip key\">join key</span></td><td><code>{e.ValueType.ToString()}</code></td><td>{e.Description ?? $"Key of entity {e.Name}"}</td><td></td></tr>"));
        var features = detail.View.Features.Select(f => HtmlBuilder.Of(
            $"<tr id=\"feature-{f.Name}\" class=\"feature\"><td><code>{f.Name}</code></td><td><code>{f.Type.ToString()}</code></td><td>{f.Description ?? ""}</td><td>{CatalogLayout.Tags(f.Tags)}</td></tr>"));
        return HtmlBuilder.Of($"<table class=\"schema\"><thead><tr><th>Name</th><th>Type</th><th>Description</th><th>Tags</th></tr></thead><tbody>{keys}{features}</tbody></table>");
    }
}
