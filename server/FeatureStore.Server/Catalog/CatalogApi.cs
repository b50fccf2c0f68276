using FeatureStore.Core.Catalog;
using FeatureStore.Protos.V1;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// The catalog's request handling, written once over the wire messages: the gRPC service delegates here, and the
/// JSON API builds the same requests from the query string, so both answer identically.
/// </summary>
internal sealed class CatalogApi(ICatalogSource source, TimeProvider clock)
{
    public async Task<ListEntitiesResponse> ListEntitiesAsync(ListEntitiesRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.ListEntities(Filter(request.Tags, request.Owner, request.Entity), new PageRequest(request.PageSize, request.PageToken));
        var response = new ListEntitiesResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount, RegistryVersion = VersionOf(catalog) };
        response.Entities.AddRange(page.Items.Select(CatalogProtoMapper.ToProto));
        return response;
    }

    public async Task<CatalogEntity> GetEntityAsync(GetEntityRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        return CatalogProtoMapper.ToProto(catalog.GetEntity(request.Name));
    }

    public async Task<ListFeatureViewsResponse> ListFeatureViewsAsync(ListFeatureViewsRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.ListFeatureViews(Filter(request.Tags, request.Owner, request.Entity), new PageRequest(request.PageSize, request.PageToken));
        var now = clock.GetUtcNow();
        var response = new ListFeatureViewsResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount, RegistryVersion = VersionOf(catalog) };
        response.FeatureViews.AddRange(page.Items.Select(v => CatalogProtoMapper.ToProto(v, now)));
        return response;
    }

    public async Task<CatalogFeatureView> GetFeatureViewAsync(GetFeatureViewRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        return CatalogProtoMapper.ToProto(catalog.GetFeatureView(request.Name), clock.GetUtcNow());
    }

    public async Task<ListFeatureServicesResponse> ListFeatureServicesAsync(ListFeatureServicesRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.ListFeatureServices(Filter(request.Tags, request.Owner, request.Entity), new PageRequest(request.PageSize, request.PageToken));
        var response = new ListFeatureServicesResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount, RegistryVersion = VersionOf(catalog) };
        response.FeatureServices.AddRange(page.Items.Select(CatalogProtoMapper.ToProto));
        return response;
    }

    public async Task<CatalogFeatureService> GetFeatureServiceAsync(GetFeatureServiceRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        return CatalogProtoMapper.ToProto(catalog.GetFeatureService(request.Name));
    }

    public async Task<ListSourcesResponse> ListSourcesAsync(ListSourcesRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.ListSources(Filter(request.Tags, request.Owner, request.Entity), new PageRequest(request.PageSize, request.PageToken));
        var response = new ListSourcesResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount, RegistryVersion = VersionOf(catalog) };
        response.Sources.AddRange(page.Items.Select(CatalogProtoMapper.ToProto));
        return response;
    }

    public async Task<SearchFeaturesResponse> SearchFeaturesAsync(SearchFeaturesRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.SearchFeatures(request.Query, new PageRequest(request.PageSize, request.PageToken));
        var response = new SearchFeaturesResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount, RegistryVersion = VersionOf(catalog) };
        response.Hits.AddRange(page.Items.Select(CatalogProtoMapper.ToProto));
        return response;
    }

    public async Task<ListVersionsResponse> ListVersionsAsync(ListVersionsRequest request, CancellationToken cancellationToken)
    {
        var catalog = await source.GetCatalogAsync(cancellationToken).ConfigureAwait(false);
        var page = catalog.ListVersions(new PageRequest(request.PageSize, request.PageToken));
        var response = new ListVersionsResponse { NextPageToken = page.NextPageToken ?? "", TotalSize = page.TotalCount };
        response.Versions.AddRange(page.Items.Select(CatalogProtoMapper.ToProto));
        return response;
    }

    private static CatalogFilter Filter(IEnumerable<string> tags, string owner, string entity) => CatalogFilter.Parse(tags, owner, entity);

    private static int VersionOf(FeatureCatalog catalog) => catalog.CurrentVersion?.Number ?? 0;
}
