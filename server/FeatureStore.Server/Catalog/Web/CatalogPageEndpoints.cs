using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Quality;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Hosting;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// Maps the human pages on the UI port: <c>/</c>, <c>/views/{name}</c>, <c>/versions</c>. HTML only, no scripts.
/// Unknown names give a 404 page, bad query strings a 400 page, an unreadable registry a 503 page (statuses and titles
/// by <see cref="ApiError"/>'s rule). With read tokens configured the pages need a bearer header or a browser signed in
/// through <c>/login</c> (<see cref="BrowserSessions"/>); without a session any page answers the sign-in form. The
/// same paths on the HTTP port redirect to the UI port, and <c>/api/...</c> on the UI port to the HTTP port.
/// </summary>
internal static class CatalogPageEndpoints
{
    public const string HtmlType = "text/html; charset=utf-8";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var pages = endpoints.MapGroup("").OnUiPort().RequireBrowserReadAccess().WithMetadata(CatalogErrorPage.Instance);
        pages.MapGet("/", (HttpContext http, ICatalogSource source, TimeProvider clock, BrowserSessions sessions) =>
            PageAsync(http, source, catalog => IndexPage.Render(catalog, http.Request.Query["q"].ToString(), clock.GetUtcNow(), sessions.Required)));
        pages.MapGet("/views/{name}", (HttpContext http, ICatalogSource source, QualityCatalog quality, TimeProvider clock, BrowserSessions sessions, string name) =>
            PageAsync(http, source, async catalog =>
            {
                var detail = catalog.GetFeatureView(name);
                var viewQuality = await quality.GetAsync(detail.View.Name, cancellationToken: http.RequestAborted);
                return ViewPage.Render(catalog, detail, viewQuality, clock.GetUtcNow(), sessions.Required);
            }));
        pages.MapGet("/versions", (HttpContext http, ICatalogSource source, BrowserSessions sessions) =>
            PageAsync(http, source, catalog => VersionsPage.Render(
                catalog, catalog.ListVersions(new PageRequest(VersionsPage.PageSize, http.Request.Query["page_token"].ToString())), sessions.Required)));

        var signIn = endpoints.MapGroup("").OnUiPort().WithMetadata(CatalogErrorPage.Instance);
        signIn.MapGet("/login", (HttpContext http, BrowserSessions sessions) =>
        {
            var back = LoginPage.LocalPath(http.Request.Query["return"].ToString());
            return !sessions.Required || sessions.IsSignedIn(http)
                ? Results.Redirect(back)
                : Results.Content(LoginPage.Render(back, refused: false), HtmlType);
        });
        signIn.MapPost("/login", SignInAsync);
        signIn.MapPost("/logout", (HttpContext http, BrowserSessions sessions) =>
        {
            sessions.SignOut(http);
            return SeeOther(http, sessions.Required ? "/login" : "/");
        });
        // The JSON the pages link to lives on the HTTP port.
        signIn.MapGet("/api/{**rest}", (HttpContext http, ServerEndpoints listeners) => Results.Redirect(PortRedirect.To(http, listeners.Http.Port)));

        // Bookmarks and links from before the pages moved, and a person who opens the HTTP port in a browser.
        foreach (var path in (string[])["/", "/views/{name}", "/versions"])
        {
            endpoints.MapGet(path, (HttpContext http, ServerEndpoints listeners) => Results.Redirect(PortRedirect.To(http, listeners.Ui.Port)));
        }
    }

    /// <summary>POST /login (a form: token, return): signs the browser in and returns to the page it asked for.</summary>
    private static async Task<IResult> SignInAsync(HttpContext http, BrowserSessions sessions)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new UserInputException("Sign in with the form at /login.");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var back = LoginPage.LocalPath(form["return"].ToString());
        if (!sessions.Required || sessions.SignIn(http, form["token"].ToString().AsSpan().Trim()))
        {
            return SeeOther(http, back);
        }
        return Results.Content(LoginPage.Render(back, refused: true), HtmlType, statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>303: after a form post, the browser follows with a GET, and reloading does not post the form again.</summary>
    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static Task<IResult> PageAsync(HttpContext http, ICatalogSource source, Func<FeatureCatalog, string> render) =>
        PageAsync(http, source, catalog => Task.FromResult(render(catalog)));

    private static async Task<IResult> PageAsync(HttpContext http, ICatalogSource source, Func<FeatureCatalog, Task<string>> render)
    {
        FeatureCatalog? catalog = null;
        try
        {
            catalog = await source.GetCatalogAsync(http.RequestAborted);
            return Results.Content(await render(catalog), HtmlType);
        }
        catch (Exception ex) when (ex is UserInputException or StoreUnavailableException)
        {
            var error = ApiError.From(ex);
            return Results.Content(
                CatalogLayout.Render(catalog ?? new FeatureCatalog(CatalogSnapshot.Empty), error.Title, null, CatalogLayout.Message(error.Title, error.Message)),
                HtmlType, statusCode: error.HttpStatus);
        }
    }
}
