using FeatureStore.Core.Catalog;
using Google.Protobuf;

namespace FeatureStore.Server.Catalog;

/// <summary>A catalog operation as the JSON API sees it: a path, and an answer built from the HTTP request.</summary>
internal interface ICatalogOperation
{
    /// <summary>Path under <c>/api/catalog</c>; <c>{name}</c> fills the request's <c>name</c> field.</summary>
    string JsonPath { get; }

    Task<IMessage> AnswerAsync(CatalogApi api, HttpContext http);
}

/// <summary>
/// One catalog operation, defined once over the wire messages: how it answers a request from a catalog snapshot
/// (at a time, for freshness). The gRPC service calls it with the request it received; the JSON API with a request
/// bound from the route and query string (<see cref="CatalogQuery"/>), so both answer identically.
/// </summary>
internal sealed class CatalogOperation<TRequest, TResponse>(
    string jsonPath, Func<FeatureCatalog, TRequest, DateTimeOffset, TResponse> answer) : ICatalogOperation
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    public string JsonPath => jsonPath;

    public TResponse Answer(FeatureCatalog catalog, TRequest request, DateTimeOffset now) => answer(catalog, request, now);

    public async Task<IMessage> AnswerAsync(CatalogApi api, HttpContext http) =>
        await api.AnswerAsync(this, CatalogQuery.Bind<TRequest>(http), http.RequestAborted).ConfigureAwait(false);
}
