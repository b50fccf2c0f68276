using FeatureStore.Protos.V1;
using Grpc.Core;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// gRPC face of the catalog: each RPC runs its <see cref="CatalogOperations"/> entry. Errors are answered by the
/// gRPC error interceptor (NOT_FOUND for unknown names, INVALID_ARGUMENT for bad filters, page tokens or an empty
/// search, UNAVAILABLE for an unreadable registry).
/// </summary>
internal sealed class CatalogGrpcService(CatalogApi api) : Protos.V1.Catalog.CatalogBase
{
    public override Task<ListEntitiesResponse> ListEntities(ListEntitiesRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.ListEntities, request, context.CancellationToken);

    public override Task<CatalogEntity> GetEntity(GetEntityRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.GetEntity, request, context.CancellationToken);

    public override Task<ListFeatureViewsResponse> ListFeatureViews(ListFeatureViewsRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.ListFeatureViews, request, context.CancellationToken);

    public override Task<CatalogFeatureView> GetFeatureView(GetFeatureViewRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.GetFeatureView, request, context.CancellationToken);

    public override Task<CatalogFeatureViewProfile> GetFeatureViewProfile(GetFeatureViewProfileRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.GetFeatureViewProfile, request, context.CancellationToken);

    public override Task<ListFeatureServicesResponse> ListFeatureServices(ListFeatureServicesRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.ListFeatureServices, request, context.CancellationToken);

    public override Task<CatalogFeatureService> GetFeatureService(GetFeatureServiceRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.GetFeatureService, request, context.CancellationToken);

    public override Task<ListSourcesResponse> ListSources(ListSourcesRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.ListSources, request, context.CancellationToken);

    public override Task<SearchFeaturesResponse> SearchFeatures(SearchFeaturesRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.SearchFeatures, request, context.CancellationToken);

    public override Task<ListVersionsResponse> ListVersions(ListVersionsRequest request, ServerCallContext context) =>
        api.AnswerAsync(CatalogOperations.ListVersions, request, context.CancellationToken);
}
