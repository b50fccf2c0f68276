using FeatureStore.Core.Catalog;
using FeatureStore.Server.Errors;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>
/// How the pages answer what fails before or outside their own rendering: a refusal for want of a token is the
/// sign-in page (401), anything else an error page with the status and message <see cref="ApiError"/> gives.
/// </summary>
internal sealed class CatalogErrorPage : IErrorPage
{
    public static readonly CatalogErrorPage Instance = new();

    private CatalogErrorPage()
    {
    }

    public Task WriteAsync(HttpContext context, ApiError error)
    {
        var html = error.HttpStatus == StatusCodes.Status401Unauthorized
            ? LoginPage.Render(LoginPage.LocalPath(context.Request.Path + context.Request.QueryString), refused: false)
            : CatalogLayout.Render(new FeatureCatalog(CatalogSnapshot.Empty), error.Title, null, CatalogLayout.Message(error.Title, error.Message));
        return Results.Content(html, CatalogPageEndpoints.HtmlType, statusCode: error.HttpStatus).ExecuteAsync(context);
    }
}
