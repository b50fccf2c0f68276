using FeatureStore.Protos.V1;
using Grpc.Core;

namespace FeatureStore.Tests.Catalog;

/// <summary>The gRPC <c>featurestore.v1.Catalog</c> service of the real host, over the example repository.</summary>
[Collection(CatalogHostCollection.Name)]
public sealed class CatalogGrpcTests(CatalogHostFixture host)
{
    private readonly Protos.V1.Catalog.CatalogClient _client = host.Grpc;

    [Fact]
    public async Task ListFeatureViews_returns_the_example_views_in_name_order()
    {
        var response = await _client.ListFeatureViewsAsync(new ListFeatureViewsRequest());

        Assert.Equal(["customer_profile", "driver_hourly_stats"], response.FeatureViews.Select(v => v.Name));
        Assert.Equal(2, response.TotalSize);
        Assert.Equal(2, response.RegistryVersion);
        Assert.Equal("", response.NextPageToken);
    }

    [Fact]
    public async Task ListFeatureViews_filters_by_tag_owner_and_entity()
    {
        var byTag = new ListFeatureViewsRequest { Tags = { "team=driver_performance" } };
        var byOwner = new ListFeatureViewsRequest { Owner = "CUSTOMER-TEAM@example.com" };
        var byEntity = new ListFeatureViewsRequest { Entity = "driver" };
        var nothing = new ListFeatureViewsRequest { Tags = { "team=driver_performance" }, Entity = "customer" };

        Assert.Equal(["driver_hourly_stats"], (await _client.ListFeatureViewsAsync(byTag)).FeatureViews.Select(v => v.Name));
        Assert.Equal(["customer_profile"], (await _client.ListFeatureViewsAsync(byOwner)).FeatureViews.Select(v => v.Name));
        Assert.Equal(["driver_hourly_stats"], (await _client.ListFeatureViewsAsync(byEntity)).FeatureViews.Select(v => v.Name));
        Assert.Empty((await _client.ListFeatureViewsAsync(nothing)).FeatureViews);
    }

    [Fact]
    public async Task ListFeatureViews_pages_with_the_returned_token()
    {
        var first = await _client.ListFeatureViewsAsync(new ListFeatureViewsRequest { PageSize = 1 });
        var second = await _client.ListFeatureViewsAsync(new ListFeatureViewsRequest { PageSize = 1, PageToken = first.NextPageToken });

        Assert.Equal(["customer_profile"], first.FeatureViews.Select(v => v.Name));
        Assert.NotEqual("", first.NextPageToken);
        Assert.Equal(["driver_hourly_stats"], second.FeatureViews.Select(v => v.Name));
        Assert.Equal("", second.NextPageToken);
    }

    [Fact]
    public async Task Malformed_tag_filter_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.ListFeatureViewsAsync(new ListFeatureViewsRequest { Tags = { "team" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("key=value", error.Status.Detail);
    }

    [Fact]
    public async Task Damaged_page_token_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.ListEntitiesAsync(new ListEntitiesRequest { PageToken = "%%%" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Unknown_names_are_not_found()
    {
        var view = await Assert.ThrowsAsync<RpcException>(() => _client.GetFeatureViewAsync(new GetFeatureViewRequest { Name = "driver_daily_stats" }).ResponseAsync);
        var entity = await Assert.ThrowsAsync<RpcException>(() => _client.GetEntityAsync(new GetEntityRequest { Name = "rider" }).ResponseAsync);
        var service = await Assert.ThrowsAsync<RpcException>(() => _client.GetFeatureServiceAsync(new GetFeatureServiceRequest { Name = "ranking_v9" }).ResponseAsync);

        Assert.All([view, entity, service], e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
        Assert.Contains("driver_daily_stats", view.Status.Detail);
    }

    [Fact]
    public async Task GetFeatureView_describes_schema_keys_source_users_version_and_freshness()
    {
        var view = await _client.GetFeatureViewAsync(new GetFeatureViewRequest { Name = "driver_hourly_stats" });

        Assert.Equal(
            [("conv_rate", "float32", "Conversion rate"), ("acc_rate", "float32", "Acceptance rate"), ("avg_daily_trips", "int64", "Average trips per day over the last week")],
            view.Features.Select(f => (f.Name, f.Type, f.Description)));
        Assert.Equal([("driver", "driver_id", "int64")], view.Entities.Select(e => (e.Name, e.JoinKey, e.ValueType)));
        Assert.Equal(("driver_stats_source", "data/driver_stats.parquet", "event_timestamp", "created"),
            (view.Source.Name, view.Source.Path, view.Source.TimestampField, view.Source.CreatedTimestampField));
        Assert.Equal(TimeSpan.FromDays(1), view.Ttl.ToTimeSpan());
        Assert.True(view.Online);
        Assert.Equal("driver-team@example.com", view.Owner);
        Assert.Equal("driver_performance", view.Tags["team"]);
        Assert.Equal(["driver_activity_v1"], view.FeatureServices);
        Assert.Equal(1, view.LastChangedIn.Number);
        Assert.True(view.Freshness.Materialized);
        Assert.Equal(240, view.Freshness.RowsWritten);
        Assert.Equal(host.StartedAt.AddHours(-3), view.Freshness.Watermark.ToDateTimeOffset());
        Assert.False(view.Freshness.Stale);
        Assert.InRange(view.Freshness.Age.ToTimeSpan(), TimeSpan.FromHours(3), TimeSpan.FromHours(3.5));
    }

    [Fact]
    public async Task A_view_changed_by_the_second_apply_reports_version_2_and_staleness_past_its_ttl()
    {
        var view = await _client.GetFeatureViewAsync(new GetFeatureViewRequest { Name = "customer_profile" });

        Assert.Equal(2, view.LastChangedIn.Number);
        Assert.True(view.Freshness.Stale);
        Assert.Equal(TimeSpan.FromDays(2), view.Ttl.ToTimeSpan());
    }

    [Fact]
    public async Task SearchFeatures_ranks_name_matches_before_description_matches()
    {
        var daily = await _client.SearchFeaturesAsync(new SearchFeaturesRequest { Query = "daily" });
        var exact = await _client.SearchFeaturesAsync(new SearchFeaturesRequest { Query = "CONV_RATE" });

        Assert.Equal(
            [("driver_hourly_stats:avg_daily_trips", "name_substring"), ("customer_profile", "description")],
            daily.Hits.Select(h => (h.Reference, h.Match)));
        var hit = Assert.Single(exact.Hits);
        Assert.Equal(("driver_hourly_stats:conv_rate", "exact_name", "feature", "float32"), (hit.Reference, hit.Match, hit.Kind, hit.Type));
    }

    [Fact]
    public async Task Empty_search_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.SearchFeaturesAsync(new SearchFeaturesRequest { Query = " " }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task ListVersions_returns_history_newest_first_with_diffs()
    {
        var response = await _client.ListVersionsAsync(new ListVersionsRequest());

        Assert.Equal([2, 1], response.Versions.Select(v => v.Number));
        var change = Assert.Single(response.Versions[0].Changes);
        Assert.Equal(("feature_view", "customer_profile", "changed"), (change.Kind, change.Name, change.Change));
        Assert.Contains(change.Fields, f => f.Field == "description" && f.After!.Contains("midnight UTC"));
        Assert.Contains(response.Versions[1].Changes, c => c is { Kind: "feature_view", Name: "driver_hourly_stats", Change: "added" });
    }

    [Fact]
    public async Task Entities_services_and_sources_are_listed_with_their_links()
    {
        var entities = await _client.ListEntitiesAsync(new ListEntitiesRequest());
        var driver = await _client.GetEntityAsync(new GetEntityRequest { Name = "driver" });
        var service = await _client.GetFeatureServiceAsync(new GetFeatureServiceRequest { Name = "driver_activity_v1" });
        var customerSources = await _client.ListSourcesAsync(new ListSourcesRequest { Entity = "customer" });
        var rankingServices = await _client.ListFeatureServicesAsync(new ListFeatureServicesRequest { Owner = "ranking-team@example.com" });

        Assert.Equal(["customer", "driver"], entities.Entities.Select(e => e.Name));
        Assert.Equal(["driver_hourly_stats"], driver.FeatureViews);
        Assert.Equal(
            ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile:current_balance", "customer_profile:avg_passenger_count", "customer_profile:lifetime_trip_count"],
            service.Features);
        Assert.Equal(["customer_profile_source"], customerSources.Sources.Select(s => s.Name));
        Assert.Equal(["driver_activity_v1"], rankingServices.FeatureServices.Select(s => s.Name));
    }
}
