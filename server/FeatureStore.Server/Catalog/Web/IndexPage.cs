using FeatureStore.Core.Catalog;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// <c>GET /</c>: every feature view, entity, service and source, and with <c>?q=</c> the ranked search hits plus
/// the lists narrowed to what matches. Pure server-side HTML: searching is a form GET.
/// </summary>
internal static class IndexPage
{
    public static string Render(FeatureCatalog catalog, string? query, DateTimeOffset now)
    {
        var q = query?.Trim() ?? "";
        var body = new HtmlBuilder();
        if (catalog.CurrentVersion is null)
        {
            body.Append($"<h1>Feature catalog</h1><p class=\"empty\">Nothing has been applied to the registry yet. Run <code>featurestore apply</code> in the feature repository, then reload this page.</p>");
            return CatalogLayout.Render(catalog, "Catalog", q, body.ToHtml());
        }

        var views = catalog.ListFeatureViews(page: new PageRequest(PageRequest.MaxSize)).Items;
        var entities = catalog.ListEntities(page: new PageRequest(PageRequest.MaxSize)).Items;
        var services = catalog.ListFeatureServices(page: new PageRequest(PageRequest.MaxSize)).Items;
        var sources = catalog.ListSources(page: new PageRequest(PageRequest.MaxSize)).Items;

        if (q.Length == 0)
        {
            body.Append($"<h1>Feature catalog</h1><p class=\"lead\">What features exist, what they mean, who owns them, where they come from and how fresh they are.</p>");
        }
        else
        {
            var hits = catalog.SearchFeatures(q, new PageRequest(PageRequest.MaxSize)).Items;
            body.Append($"<h1>Results for “{q}”</h1><p class=\"lead\"><a href=\"/\">Clear search</a></p>");
            body.Append($"<h2 id=\"results\">Features and views <span class=\"count\">{hits.Count}</span></h2>");
            body.Append($"{SearchResults(hits)}");
            var matchingViews = hits.Select(h => h.View).ToHashSet(StringComparer.Ordinal);
            views = views.Where(v => matchingViews.Contains(v.Name)).ToArray();
            entities = entities.Where(e => Mentions(q, e.Entity.Name, e.Entity.JoinKey, e.Entity.Description, e.Entity.Owner, e.Entity.Tags)).ToArray();
            services = services.Where(s => Mentions(q, s.Service.Name, s.Service.Description, s.Service.Owner, null, s.Service.Tags)
                || s.Features.Any(f => f.ToString().Contains(q, StringComparison.OrdinalIgnoreCase))).ToArray();
            sources = sources.Where(s => Mentions(q, s.Source.Name, s.Source.Path, s.Source.Description, s.Source.Owner, s.Source.Tags)).ToArray();
        }

        body.Append($"<h2 id=\"feature-views\">Feature views <span class=\"count\">{views.Count}</span></h2>");
        body.Append($"{ViewsTable(views, now)}");
        body.Append($"<h2 id=\"entities\">Entities <span class=\"count\">{entities.Count}</span></h2>");
        body.Append($"{EntitiesTable(entities)}");
        body.Append($"<h2 id=\"feature-services\">Feature services <span class=\"count\">{services.Count}</span></h2>");
        body.Append($"{ServicesTable(services)}");
        body.Append($"<h2 id=\"sources\">Sources <span class=\"count\">{sources.Count}</span></h2>");
        body.Append($"{SourcesTable(sources)}");
        return CatalogLayout.Render(catalog, q.Length == 0 ? "Catalog" : $"Search: {q}", q, body.ToHtml());
    }

    private static Html SearchResults(IReadOnlyList<SearchHit> hits)
    {
        if (hits.Count == 0)
        {
            return Html.Trusted("<p class=\"empty\">No feature or feature view matches. Search looks at names, descriptions, tags and owners.</p>");
        }
        var rows = hits.Select(h =>
        {
            var link = h.Feature is null
                ? CatalogLayout.ViewLink(h.View)
                : HtmlBuilder.Of($"<a href=\"{CatalogLayout.ViewUrl(h.View)}#feature-{Uri.EscapeDataString(h.Feature)}\"><span class=\"muted\">{h.View}:</span>{h.Feature}</a>");
            return HtmlBuilder.Of($"<tr class=\"hit\"><td>{link}</td><td>{(h.Kind == SearchHitKind.Feature ? "feature" : "feature view")}</td><td><code>{h.Type?.ToString() ?? ""}</code></td><td>{h.Description ?? ""}</td><td>{h.Owner ?? ""}</td><td><span class=\"chip\">{MatchText(h.Match)}</span></td></tr>");
        });
        return HtmlBuilder.Of($"<table class=\"results\"><thead><tr><th>Name</th><th>Kind</th><th>Type</th><th>Description</th><th>Owner</th><th>Matched on</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html ViewsTable(IReadOnlyList<FeatureViewDetail> views, DateTimeOffset now)
    {
        if (views.Count == 0)
        {
            return Html.Trusted("<p class=\"empty\">No feature views.</p>");
        }
        var rows = views.Select(v => HtmlBuilder.Of(
            $"<tr><td>{CatalogLayout.ViewLink(v.Name)}</td><td>{v.View.Description ?? ""}</td><td>{string.Join(", ", v.View.Entities)}</td><td>{v.View.Features.Count}</td><td>{v.View.Owner ?? ""}</td><td>{CatalogLayout.Tags(v.View.Tags)}</td><td>{CatalogLayout.FreshnessBadge(v, now)}</td></tr>"));
        return HtmlBuilder.Of($"<table class=\"views\"><thead><tr><th>Name</th><th>Description</th><th>Entities</th><th>Features</th><th>Owner</th><th>Tags</th><th>Freshness</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html EntitiesTable(IReadOnlyList<EntityEntry> entities)
    {
        if (entities.Count == 0)
        {
            return Html.Trusted("<p class=\"empty\">No entities.</p>");
        }
        var rows = entities.Select(e => HtmlBuilder.Of(
            $"<tr><td><strong>{e.Entity.Name}</strong></td><td><code>{e.Entity.JoinKey}</code> <span class=\"muted\">{e.Entity.ValueType.ToString()}</span></td><td>{e.Entity.Description ?? ""}</td><td>{e.Entity.Owner ?? ""}</td><td>{Links(e.FeatureViews)}</td></tr>"));
        return HtmlBuilder.Of($"<table class=\"entities\"><thead><tr><th>Name</th><th>Join key</th><th>Description</th><th>Owner</th><th>Feature views</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html ServicesTable(IReadOnlyList<FeatureServiceEntry> services)
    {
        if (services.Count == 0)
        {
            return Html.Trusted("<p class=\"empty\">No feature services.</p>");
        }
        var rows = services.Select(s => HtmlBuilder.Of(
            $"<tr id=\"service-{s.Service.Name}\"><td><strong>{s.Service.Name}</strong></td><td>{s.Service.Description ?? ""}</td><td>{s.Service.Owner ?? ""}</td><td>{Links(s.FeatureViews)}</td><td>{s.Features.Select(f => HtmlBuilder.Of($"<span class=\"chip mono\">{f.ToString()}</span>"))}</td></tr>"));
        return HtmlBuilder.Of($"<table class=\"services\"><thead><tr><th>Name</th><th>Description</th><th>Owner</th><th>Feature views</th><th>Features</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html SourcesTable(IReadOnlyList<SourceEntry> sources)
    {
        if (sources.Count == 0)
        {
            return Html.Trusted("<p class=\"empty\">No sources.</p>");
        }
        var rows = sources.Select(s => s.Source.BatchSource is { } batch
            ? HtmlBuilder.Of($"<tr><td><strong>{s.Source.Name}</strong></td><td>push · history from <strong>{batch}</strong></td><td></td><td>{s.Source.Description ?? ""}</td><td>{Links(s.FeatureViews)}</td></tr>")
            : HtmlBuilder.Of($"<tr><td><strong>{s.Source.Name}</strong></td><td><code>{s.Source.Path}</code></td><td><code>{s.Source.TimestampField}</code></td><td>{s.Source.Description ?? ""}</td><td>{Links(s.FeatureViews)}</td></tr>"));
        return HtmlBuilder.Of($"<table class=\"sources\"><thead><tr><th>Name</th><th>Path</th><th>Event time</th><th>Description</th><th>Feature views</th></tr></thead><tbody>{rows}</tbody></table>");
    }

    private static Html Links(IEnumerable<string> views)
    {
        var links = views.Select(CatalogLayout.ViewLink).ToArray();
        return links.Length == 0 ? Html.Trusted("<span class=\"muted\">none</span>") : new Html(string.Join(", ", links.Select(l => l.Value)));
    }

    private static bool Mentions(string q, string name, string? a, string? b, string? c, IReadOnlyDictionary<string, string> tags) =>
        new[] { name, a, b, c }.Any(t => t?.Contains(q, StringComparison.OrdinalIgnoreCase) == true)
        || tags.Any(t => $"{t.Key}={t.Value}".Contains(q, StringComparison.OrdinalIgnoreCase));

    private static string MatchText(SearchMatch match) => match switch
    {
        SearchMatch.ExactName => "exact name",
        SearchMatch.NamePrefix => "name starts with",
        SearchMatch.NameSubstring => "name contains",
        SearchMatch.Description => "description",
        SearchMatch.Tag => "tag",
        SearchMatch.Owner => "owner",
        _ => match.ToString(),
    };
}
