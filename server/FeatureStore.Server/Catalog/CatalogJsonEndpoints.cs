using System.Globalization;
using System.Text.Json;
using FeatureStore.Core.Errors;
using FeatureStore.Protos.V1;
using Google.Protobuf;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Read-only JSON under <c>/api/catalog</c>: the gRPC messages in proto3 JSON form (camelCase, every field present),
/// for scripts and the web page. Filters: <c>?tag=key=value</c> (repeatable), <c>owner</c>, <c>entity</c>,
/// <c>page_size</c>, <c>page_token</c>. Unknown names give 404, bad filters 400, both as
/// <c>{"error":{"code":..,"message":..}}</c>.
/// </summary>
internal static class CatalogJsonEndpoints
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/catalog");
        api.MapGet("/entities", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
        {
            var request = new ListEntitiesRequest { Owner = Query(http, "owner"), Entity = Query(http, "entity"), PageSize = PageSize(http), PageToken = Query(http, "page_token") };
            request.Tags.AddRange(Tags(http));
            return catalog.ListEntitiesAsync(request, http.RequestAborted);
        }));
        api.MapGet("/entities/{name}", (HttpContext http, CatalogApi catalog, string name) =>
            Respond(http, () => catalog.GetEntityAsync(new GetEntityRequest { Name = name }, http.RequestAborted)));
        api.MapGet("/feature-views", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
        {
            var request = new ListFeatureViewsRequest { Owner = Query(http, "owner"), Entity = Query(http, "entity"), PageSize = PageSize(http), PageToken = Query(http, "page_token") };
            request.Tags.AddRange(Tags(http));
            return catalog.ListFeatureViewsAsync(request, http.RequestAborted);
        }));
        api.MapGet("/feature-views/{name}", (HttpContext http, CatalogApi catalog, string name) =>
            Respond(http, () => catalog.GetFeatureViewAsync(new GetFeatureViewRequest { Name = name }, http.RequestAborted)));
        api.MapGet("/feature-services", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
        {
            var request = new ListFeatureServicesRequest { Owner = Query(http, "owner"), Entity = Query(http, "entity"), PageSize = PageSize(http), PageToken = Query(http, "page_token") };
            request.Tags.AddRange(Tags(http));
            return catalog.ListFeatureServicesAsync(request, http.RequestAborted);
        }));
        api.MapGet("/feature-services/{name}", (HttpContext http, CatalogApi catalog, string name) =>
            Respond(http, () => catalog.GetFeatureServiceAsync(new GetFeatureServiceRequest { Name = name }, http.RequestAborted)));
        api.MapGet("/sources", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
        {
            var request = new ListSourcesRequest { Owner = Query(http, "owner"), Entity = Query(http, "entity"), PageSize = PageSize(http), PageToken = Query(http, "page_token") };
            request.Tags.AddRange(Tags(http));
            return catalog.ListSourcesAsync(request, http.RequestAborted);
        }));
        api.MapGet("/search", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
            catalog.SearchFeaturesAsync(new SearchFeaturesRequest { Query = Query(http, "q"), PageSize = PageSize(http), PageToken = Query(http, "page_token") }, http.RequestAborted)));
        api.MapGet("/versions", (HttpContext http, CatalogApi catalog) => Respond(http, () =>
            catalog.ListVersionsAsync(new ListVersionsRequest { PageSize = PageSize(http), PageToken = Query(http, "page_token") }, http.RequestAborted)));
        api.MapGet("/{**rest}", (HttpContext http, string rest) =>
            Error(http, StatusCodes.Status404NotFound, "NOT_FOUND", $"No catalog resource at '/api/catalog/{rest}'. Try entities, feature-views, feature-services, sources, search?q=, versions."));
    }

    private static async Task<IResult> Respond<T>(HttpContext http, Func<Task<T>> call) where T : IMessage
    {
        try
        {
            var message = await call().ConfigureAwait(false);
            return Results.Text(Formatter.Format(message), "application/json; charset=utf-8");
        }
        catch (NotFoundException error)
        {
            return Error(http, StatusCodes.Status404NotFound, "NOT_FOUND", error.Message);
        }
        catch (UserInputException error)
        {
            return Error(http, StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", error.Message);
        }
        catch (StoreUnavailableException error)
        {
            return Error(http, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", error.Message);
        }
    }

    private static IResult Error(HttpContext http, int status, string code, string message) =>
        Results.Text(
            JsonSerializer.Serialize(new { error = new { code, status, message } }),
            "application/json; charset=utf-8",
            statusCode: status);

    private static string Query(HttpContext http, string name) => http.Request.Query[name].ToString();

    private static IEnumerable<string> Tags(HttpContext http) =>
        http.Request.Query["tag"].Where(t => t is not null).Select(t => t!);

    private static int PageSize(HttpContext http)
    {
        var text = Query(http, "page_size");
        if (text.Length == 0)
        {
            return 0;
        }
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw new UserInputException($"page_size '{text}' is not a number.");
    }
}
