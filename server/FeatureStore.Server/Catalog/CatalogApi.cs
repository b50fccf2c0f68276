using FeatureStore.Core.Catalog;
using FeatureStore.Core.Quality;
using Google.Protobuf;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Runs a <see cref="CatalogOperation{TRequest, TResponse}"/> against one consistent catalog snapshot from the
/// <see cref="ICatalogSource"/>, at the clock's time. Domain errors propagate: the gRPC interceptor and the HTTP
/// error middleware answer them.
/// </summary>
internal sealed class CatalogApi(ICatalogSource source, QualityCatalog quality, TimeProvider clock)
{
    public async Task<TResponse> AnswerAsync<TRequest, TResponse>(
        CatalogOperation<TRequest, TResponse> operation, TRequest request, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        FeatureCatalog catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        return await operation.AnswerAsync(new CatalogContext(catalog, clock.GetUtcNow(), quality), request, cancellationToken).ConfigureAwait(false);
    }
}
