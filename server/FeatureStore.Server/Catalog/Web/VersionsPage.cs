using FeatureStore.Core.Catalog;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.Catalog.Web;

/// <summary><c>GET /versions</c>: the registry history, newest first, each version with what it added, removed and changed.</summary>
internal static class VersionsPage
{
    public const int PageSize = 20;

    public static string Render(FeatureCatalog catalog, CatalogPage<RegistryVersion> page, bool signOut = false)
    {
        var body = new HtmlBuilder();
        body.Append($"<h1>Registry history</h1><p class=\"lead\">{page.TotalCount} version{(page.TotalCount == 1 ? "" : "s")}, newest first. Each apply that changed the definitions made one.</p>");
        if (page.Items.Count == 0)
        {
            body.Append($"<p class=\"empty\">Nothing has been applied yet.</p>");
        }
        foreach (var version in page.Items)
        {
            var current = version.Number == catalog.CurrentVersion?.Number ? Html.Trusted(" <span class=\"badge fresh\">current</span>") : Html.Empty;
            body.Append($"""
                <article class="version" id="v{version.Number}">
                <h3>Version {version.Number}{current}</h3>
                <div class="muted">applied {AgeText.Timestamp(version.AppliedAt)} · <code>{Short(version.Hash)}</code> · {DiffFormatter.Summarize(version.Diff)}</div>
                {Changes(version.Diff)}
                </article>
                """);
        }
        if (page.NextPageToken is { } next)
        {
            body.Append($"<p><a class=\"button\" href=\"/versions?page_token={Uri.EscapeDataString(next)}\">Older versions</a></p>");
        }
        return CatalogLayout.Render(catalog, "History", null, body.ToHtml(), signOut);
    }

    private static Html Changes(RegistryDiff diff)
    {
        if (diff.IsEmpty)
        {
            return Html.Trusted("<p class=\"muted\">No recorded changes.</p>");
        }
        var items = diff.Changes.Select(change =>
        {
            var type = change.Type.ToString().ToLowerInvariant();
            var name = change.Kind == ObjectKind.FeatureView && change.Type != ChangeType.Removed ? CatalogLayout.ViewLink(change.Name) : HtmlBuilder.Of($"{change.Name}");
            var fields = change.Fields.Count == 0
                ? Html.Empty
                : HtmlBuilder.Of($"<table class=\"fields\"><thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead><tbody>{change.Fields.Select(f => HtmlBuilder.Of($"<tr><td><code>{f.Field}</code></td><td class=\"mono\">{f.Before ?? "—"}</td><td class=\"mono\">{f.After ?? "—"}</td></tr>"))}</tbody></table>");
            return HtmlBuilder.Of($"<li><span class=\"badge {type}\">{type}</span> <span class=\"muted\">{DiffFormatter.KindName(change.Kind)}</span> <strong>{name}</strong>{fields}</li>");
        });
        return HtmlBuilder.Of($"<ul class=\"changes\">{items}</ul>");
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
