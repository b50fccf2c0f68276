using FeatureStore.Core.Catalog;
using FeatureStore.Core.Quality;
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
/// What an operation answers from: one consistent catalog snapshot, the time of the request (for freshness), and the
/// views' recorded quality (read only by the operations that show it).
/// </summary>
internal sealed record CatalogContext(FeatureCatalog Catalog, DateTimeOffset Now, QualityCatalog Quality);

/// <summary>
/// One catalog operation, defined once over the wire messages: how it answers a request from a catalog snapshot
/// (at a time, for freshness). The gRPC service calls it with the request it received; the JSON API with a request
/// bound from the route and query string (<see cref="CatalogQuery"/>), so both answer identically.
/// </summary>
internal sealed class CatalogOperation<TRequest, TResponse> : ICatalogOperation
    where TRequest : IMessage<TRequest>, new()
    where TResponse : IMessage<TResponse>
{
    private readonly Func<CatalogContext, TRequest, CancellationToken, Task<TResponse>> _answer;

    /// <summary>An operation answered from the catalog snapshot alone.</summary>
    public CatalogOperation(string jsonPath, Func<FeatureCatalog, TRequest, DateTimeOffset, TResponse> answer)
        : this(jsonPath, (context, request, _) => Task.FromResult(answer(context.Catalog, request, context.Now)))
    {
    }

    /// <summary>An operation that reads more than the snapshot (the profile store).</summary>
    public CatalogOperation(string jsonPath, Func<CatalogContext, TRequest, CancellationToken, Task<TResponse>> answer)
    {
        JsonPath = jsonPath;
        _answer = answer;
    }

    public string JsonPath { get; }

    public Task<TResponse> AnswerAsync(CatalogContext context, TRequest request, CancellationToken cancellationToken) =>
        _answer(context, request, cancellationToken);

    public async Task<IMessage> AnswerAsync(CatalogApi api, HttpContext http) =>
        await api.AnswerAsync(this, CatalogQuery.Bind<TRequest>(http), http.RequestAborted).ConfigureAwait(false);
}
