using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Quality;
using FeatureStore.Server.Errors;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// Maps the human pages: <c>/</c>, <c>/views/{name}</c>, <c>/versions</c>. HTML only, no scripts. Unknown names give
/// a 404 page, bad query strings a 400 page, an unreadable registry a 503 page (statuses and titles by
/// <see cref="ApiError"/>'s rule).
/// </summary>
internal static class CatalogPageEndpoints
{
    private const string HtmlType = "text/html; charset=utf-8";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext http, ICatalogSource source, TimeProvider clock) =>
            PageAsync(http, source, catalog => IndexPage.Render(catalog, http.Request.Query["q"].ToString(), clock.GetUtcNow())));
        endpoints.MapGet("/views/{name}", (HttpContext http, ICatalogSource source, QualityCatalog quality, TimeProvider clock, string name) =>
            PageAsync(http, source, async catalog =>
            {
                var detail = catalog.GetFeatureView(name);
                return ViewPage.Render(catalog, detail, await quality.GetAsync(detail.View.Name, cancellationToken: http.RequestAborted), clock.GetUtcNow());
            }));
        endpoints.MapGet("/versions", (HttpContext http, ICatalogSource source) =>
            PageAsync(http, source, catalog => VersionsPage.Render(
                catalog, catalog.ListVersions(new PageRequest(VersionsPage.PageSize, http.Request.Query["page_token"].ToString())))));
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
