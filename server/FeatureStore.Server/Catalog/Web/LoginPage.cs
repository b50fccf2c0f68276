namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// The sign-in page, shown (as a 401) in place of any catalog page while the server has read tokens and the browser
/// has no session: one password field for a read or write token, posted to <c>/login</c>, which returns to the page
/// asked for. It says nothing about the catalog, the project or which tokens exist, and never repeats a token.
/// </summary>
internal static class LoginPage
{
    public static string Render(string returnPath, bool refused)
    {
        var message = refused
            ? Html.Trusted("<p class=\"refused\" role=\"alert\">That token is not accepted.</p>")
            : Html.Empty;
        return HtmlBuilder.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>Sign in · Feature catalog</title>
            <style>{new Html(CatalogStyles.Css)}</style>
            </head>
            <body>
            <header class="top"><div class="wrap"><a class="brand" href="/">Feature catalog</a></div></header>
            <main class="wrap">
            <h1>Sign in</h1>
            <p class="lead">This catalog needs an access token: a read token, or a write token, from whoever runs the feature server.</p>
            {message}
            <form class="login" method="post" action="/login">
            <input type="hidden" name="return" value="{returnPath}">
            <label for="token">Access token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Sign in</button>
            </form>
            </main>
            </body>
            </html>
            """).Value;
    }

    /// <summary>
    /// Where to go after signing in: <paramref name="requested"/> when it is a path on this server, otherwise the index,
    /// so a crafted link cannot send a person elsewhere.
    /// </summary>
    public static string LocalPath(string? requested) =>
        requested is { Length: > 0 } path && path[0] == '/' && !path.StartsWith("//", StringComparison.Ordinal)
            && !path.StartsWith("/\\", StringComparison.Ordinal) && !path.Any(char.IsControl)
            ? path
            : "/";
}
