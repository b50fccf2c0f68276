using FeatureStore.Core.Catalog;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// The frame around every catalog page: header with the search form (a plain GET, so it works without JavaScript) and,
/// when the catalog needs sign-in, a sign-out button; body; footer.
/// </summary>
internal static class CatalogLayout
{
    public static string Render(FeatureCatalog catalog, string title, string? query, Html body, bool signOut = false)
    {
        var session = signOut
            ? Html.Trusted("<form class=\"signout\" method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>")
            : Html.Empty;
        var version = catalog.CurrentVersion;
        var project = string.IsNullOrEmpty(catalog.Project) ? Html.Empty : HtmlBuilder.Of($"<span class=\"project\">{catalog.Project}</span>");
        var footer = version is null
            ? Html.Trusted("Nothing applied to the registry yet.")
            : HtmlBuilder.Of($"Registry version {version.Number} · applied {AgeText.Timestamp(version.AppliedAt)} · JSON at <a href=\"/api/catalog/feature-views\">/api/catalog</a>");
        return HtmlBuilder.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Feature catalog</title>
            <style>{new Html(CatalogStyles.Css)}</style>
            </head>
            <body>
            <header class="top"><div class="wrap">
            <a class="brand" href="/">Feature catalog</a>{project}
            <nav><a href="/">Browse</a><a href="/versions">History</a></nav>
            <form class="search" method="get" action="/" role="search">
            <input type="search" name="q" value="{query ?? ""}" placeholder="Search features, views, owners, tags" aria-label="Search the catalog">
            <button type="submit">Search</button>
            </form>{session}
            </div></header>
            <main class="wrap">
            {Problem(catalog)}
            {body}
            </main>
            <footer class="wrap">{footer}</footer>
            </body>
            </html>
            """).Value;
    }

    /// <summary>A banner while the registry cannot be read: the catalog shows the version still being served.</summary>
    private static Html Problem(FeatureCatalog catalog) => catalog.RegistryProblem is { } problem
        ? HtmlBuilder.Of($"<p class=\"problem\" role=\"alert\"><strong>Registry degraded:</strong> {problem} Still serving registry version {catalog.CurrentVersion?.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.</p>")
        : Html.Empty;

    /// <summary>The body of an error page: a heading, the message written for the user, and the way back.</summary>
    public static Html Message(string title, string message) =>
        HtmlBuilder.Of($"<h1>{title}</h1><p class=\"empty\">{message}</p><p><a href=\"/\">Back to the catalog</a></p>");

    public static Html Tags(IReadOnlyDictionary<string, string> tags) =>
        new(string.Concat(tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => HtmlBuilder.Of($"<span class=\"chip\">{t.Key}={t.Value}</span>").Value)));

    public static string ViewUrl(string name) => "/views/" + Uri.EscapeDataString(name);

    public static Html ViewLink(string name) => HtmlBuilder.Of($"<a href=\"{ViewUrl(name)}\">{name}</a>");

    /// <summary>"materialized 3 h ago", green while within the TTL, highlighted once older; grey when never materialized.</summary>
    public static Html FreshnessBadge(FeatureViewDetail view, DateTimeOffset now)
    {
        if (view.Freshness?.AgeAt(now) is not { } age)
        {
            return Html.Trusted("<span class=\"badge never\">not materialized</span>");
        }
        return view.Freshness.IsStaleAt(now, view.View.Ttl)
            ? HtmlBuilder.Of($"<span class=\"badge stale\" title=\"Older than the TTL ({AgeText.Ttl(view.View.Ttl)})\">materialized {AgeText.Ago(age)}</span>")
            : HtmlBuilder.Of($"<span class=\"badge fresh\">materialized {AgeText.Ago(age)}</span>");
    }
}
