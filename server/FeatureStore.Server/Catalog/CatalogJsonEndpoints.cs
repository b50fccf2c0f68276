using FeatureStore.Core.Errors;
using FeatureStore.Server.Auth;
using Google.Protobuf;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Read-only JSON under <c>/api/catalog</c>: one route per <see cref="CatalogOperations"/> entry, answering the gRPC
/// messages in proto3 JSON form (camelCase, every field present), for scripts and the web page. Filters:
/// <c>?tag=key=value</c> (repeatable), <c>owner</c>, <c>entity</c>, <c>page_size</c>, <c>page_token</c>. Errors
/// (404 unknown names, 400 bad filters, 503 unreadable registry) are RFC 7807 problem details written by the HTTP
/// error middleware.
/// </summary>
internal static class CatalogJsonEndpoints
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/catalog").RequireReadAccess();
        foreach (var operation in CatalogOperations.All)
        {
            api.MapGet(operation.JsonPath, async (HttpContext http, CatalogApi catalog) =>
                Results.Text(Formatter.Format(await operation.AnswerAsync(catalog, http)), "application/json; charset=utf-8"));
        }
        api.MapGet("/{**rest}", IResult (string rest) => throw new NotFoundException(
            $"No catalog resource at '/api/catalog/{rest}'. Try entities, feature-views, feature-views/{{name}}/profile, feature-services, sources, search?q=, versions."));
    }
}
