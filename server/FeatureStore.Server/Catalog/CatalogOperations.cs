using System.Collections;
using FeatureStore.Core.Catalog;
using FeatureStore.Protos.V1;
using Google.Protobuf;
using static FeatureStore.Server.Catalog.CatalogProtoMapper;

namespace FeatureStore.Server.Catalog;

/// <summary>The catalog's operations, each defined once; the gRPC service and the JSON API adapt them.</summary>
internal static class CatalogOperations
{
    public static readonly CatalogOperation<ListEntitiesRequest, ListEntitiesResponse> ListEntities = new("/entities",
        (catalog, r, _) => Page(new ListEntitiesResponse(), catalog, catalog.ListEntities(Filter(r.Tags, r.Owner, r.Entity), new PageRequest(r.PageSize, r.PageToken)), ToProto));

    public static readonly CatalogOperation<GetEntityRequest, CatalogEntity> GetEntity = new("/entities/{name}",
        (catalog, r, _) => ToProto(catalog.GetEntity(r.Name)));

    public static readonly CatalogOperation<ListFeatureViewsRequest, ListFeatureViewsResponse> ListFeatureViews = new("/feature-views",
        (catalog, r, now) => Page(new ListFeatureViewsResponse(), catalog, catalog.ListFeatureViews(Filter(r.Tags, r.Owner, r.Entity), new PageRequest(r.PageSize, r.PageToken)), v => ToProto(v, now)));

    public static readonly CatalogOperation<GetFeatureViewRequest, CatalogFeatureView> GetFeatureView = new("/feature-views/{name}",
        (catalog, r, now) => ToProto(catalog.GetFeatureView(r.Name), now));

    public static readonly CatalogOperation<ListFeatureServicesRequest, ListFeatureServicesResponse> ListFeatureServices = new("/feature-services",
        (catalog, r, _) => Page(new ListFeatureServicesResponse(), catalog, catalog.ListFeatureServices(Filter(r.Tags, r.Owner, r.Entity), new PageRequest(r.PageSize, r.PageToken)), ToProto));

    public static readonly CatalogOperation<GetFeatureServiceRequest, CatalogFeatureService> GetFeatureService = new("/feature-services/{name}",
        (catalog, r, _) => ToProto(catalog.GetFeatureService(r.Name)));

    public static readonly CatalogOperation<ListSourcesRequest, ListSourcesResponse> ListSources = new("/sources",
        (catalog, r, _) => Page(new ListSourcesResponse(), catalog, catalog.ListSources(Filter(r.Tags, r.Owner, r.Entity), new PageRequest(r.PageSize, r.PageToken)), ToProto));

    public static readonly CatalogOperation<SearchFeaturesRequest, SearchFeaturesResponse> SearchFeatures = new("/search",
        (catalog, r, _) => Page(new SearchFeaturesResponse(), catalog, catalog.SearchFeatures(r.Query, new PageRequest(r.PageSize, r.PageToken)), ToProto));

    public static readonly CatalogOperation<ListVersionsRequest, ListVersionsResponse> ListVersions = new("/versions",
        (catalog, r, _) => Page(new ListVersionsResponse(), catalog, catalog.ListVersions(new PageRequest(r.PageSize, r.PageToken)), ToProto));

    /// <summary>The view must be in the served registry version (else NOT_FOUND); its quality comes from the profile store.</summary>
    public static readonly CatalogOperation<GetFeatureViewProfileRequest, CatalogFeatureViewProfile> GetFeatureViewProfile = new("/feature-views/{name}/profile",
        async (context, r, cancellationToken) =>
        {
            var view = context.Catalog.GetFeatureView(r.Name).View;
            var quality = await context.Quality.GetAsync(view.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return CatalogProfileMapper.ToProto(quality, context.Catalog.CurrentVersion?.Number ?? 0, context.Now);
        });

    /// <summary>Every operation, for the JSON API's routes.</summary>
    public static readonly IReadOnlyList<ICatalogOperation> All =
        [ListEntities, GetEntity, ListFeatureViews, GetFeatureView, GetFeatureViewProfile, ListFeatureServices, GetFeatureService, ListSources, SearchFeatures, ListVersions];

    private static CatalogFilter Filter(IEnumerable<string> tags, string owner, string entity) => CatalogFilter.Parse(tags, owner, entity);

    /// <summary>
    /// Fills a list response: every list message has its items as field 1, then <c>next_page_token</c>,
    /// <c>total_size</c> and (for registry content) <c>registry_version</c> and <c>registry_problem</c>.
    /// </summary>
    private static TResponse Page<TResponse, TItem, TProto>(
        TResponse response, FeatureCatalog catalog, CatalogPage<TItem> page, Func<TItem, TProto> toProto)
        where TResponse : IMessage
    {
        var fields = response.Descriptor;
        var items = (IList)fields.FindFieldByNumber(1).Accessor.GetValue(response);
        foreach (var item in page.Items)
        {
            items.Add(toProto(item));
        }
        fields.FindFieldByName("next_page_token").Accessor.SetValue(response, page.NextPageToken ?? "");
        fields.FindFieldByName("total_size").Accessor.SetValue(response, page.TotalCount);
        fields.FindFieldByName("registry_version")?.Accessor.SetValue(response, catalog.CurrentVersion?.Number ?? 0);
        fields.FindFieldByName("registry_problem")?.Accessor.SetValue(response, catalog.RegistryProblem ?? "");
        return response;
    }
}
