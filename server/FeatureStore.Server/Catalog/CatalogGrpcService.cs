using FeatureStore.Core.Errors;
using FeatureStore.Protos.V1;
using Grpc.Core;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// gRPC face of the catalog. User errors become NOT_FOUND (unknown names) or INVALID_ARGUMENT (bad filters,
/// page tokens, empty search); an unreachable registry becomes UNAVAILABLE.
/// </summary>
internal sealed class CatalogGrpcService(CatalogApi api, ILogger<CatalogGrpcService> logger) : Protos.V1.Catalog.CatalogBase
{
    public override Task<ListEntitiesResponse> ListEntities(ListEntitiesRequest request, ServerCallContext context) =>
        Run(() => api.ListEntitiesAsync(request, context.CancellationToken));

    public override Task<CatalogEntity> GetEntity(GetEntityRequest request, ServerCallContext context) =>
        Run(() => api.GetEntityAsync(request, context.CancellationToken));

    public override Task<ListFeatureViewsResponse> ListFeatureViews(ListFeatureViewsRequest request, ServerCallContext context) =>
        Run(() => api.ListFeatureViewsAsync(request, context.CancellationToken));

    public override Task<CatalogFeatureView> GetFeatureView(GetFeatureViewRequest request, ServerCallContext context) =>
        Run(() => api.GetFeatureViewAsync(request, context.CancellationToken));

    public override Task<ListFeatureServicesResponse> ListFeatureServices(ListFeatureServicesRequest request, ServerCallContext context) =>
        Run(() => api.ListFeatureServicesAsync(request, context.CancellationToken));

    public override Task<CatalogFeatureService> GetFeatureService(GetFeatureServiceRequest request, ServerCallContext context) =>
        Run(() => api.GetFeatureServiceAsync(request, context.CancellationToken));

    public override Task<ListSourcesResponse> ListSources(ListSourcesRequest request, ServerCallContext context) =>
        Run(() => api.ListSourcesAsync(request, context.CancellationToken));

    public override Task<SearchFeaturesResponse> SearchFeatures(SearchFeaturesRequest request, ServerCallContext context) =>
        Run(() => api.SearchFeaturesAsync(request, context.CancellationToken));

    public override Task<ListVersionsResponse> ListVersions(ListVersionsRequest request, ServerCallContext context) =>
        Run(() => api.ListVersionsAsync(request, context.CancellationToken));

    private async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (NotFoundException error)
        {
            throw new RpcException(new Status(StatusCode.NotFound, error.Message));
        }
        catch (UserInputException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error.Message));
        }
        catch (StoreUnavailableException error)
        {
            logger.LogWarning(error, "Catalog could not read the registry");
            throw new RpcException(new Status(StatusCode.Unavailable, error.Message));
        }
    }
}
