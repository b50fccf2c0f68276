using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>Maps the human pages: <c>/</c>, <c>/views/{name}</c>, <c>/versions</c>. HTML only, no scripts.</summary>
internal static class CatalogPageEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", async (HttpContext http, ICatalogSource source, TimeProvider clock) =>
        {
            var catalog = await source.GetCatalogAsync(http.RequestAborted);
            return Page(catalog, () => IndexPage.Render(catalog, http.Request.Query["q"].ToString(), clock.GetUtcNow()));
        });
        endpoints.MapGet("/views/{name}", async (HttpContext http, ICatalogSource source, TimeProvider clock, string name) =>
        {
            var catalog = await source.GetCatalogAsync(http.RequestAborted);
            return Page(catalog, () => ViewPage.Render(catalog, catalog.GetFeatureView(name), clock.GetUtcNow()));
        });
        endpoints.MapGet("/versions", async (HttpContext http, ICatalogSource source) =>
        {
            var catalog = await source.GetCatalogAsync(http.RequestAborted);
            return Page(catalog, () => VersionsPage.Render(
                catalog, catalog.ListVersions(new PageRequest(VersionsPage.PageSize, http.Request.Query["page_token"].ToString()))));
        });
    }

    private static IResult Page(FeatureCatalog catalog, Func<string> render)
    {
        try
        {
            return Results.Content(render(), "text/html; charset=utf-8");
        }
        catch (NotFoundException error)
        {
            return Results.Content(ViewPage.RenderNotFound(catalog, error.Message), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }
        catch (UserInputException error)
        {
            return Results.Content(ViewPage.RenderNotFound(catalog, error.Message), "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
