using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

public sealed class CatalogListTests
{
    private readonly FeatureCatalog _catalog = CatalogOf(Rides());

    [Fact]
    public void Feature_views_are_listed_in_name_order()
    {
        var page = _catalog.ListFeatureViews();

        Assert.Equal(["conv", "customer_profile", "driver_conversions_daily", "driver_hourly_stats"], page.Items.Select(v => v.Name));
        Assert.Null(page.NextPageToken);
        Assert.Equal(4, page.TotalCount);
    }

    [Fact]
    public void Tag_filter_keeps_only_views_with_that_tag_value()
    {
        var page = _catalog.ListFeatureViews(CatalogFilter.Parse(["team=driver_performance"], null, null));

        Assert.Equal(["driver_conversions_daily", "driver_hourly_stats"], page.Items.Select(v => v.Name));
    }

    [Fact]
    public void Several_tag_filters_must_all_match()
    {
        var page = _catalog.ListFeatureViews(CatalogFilter.Parse(["team=driver_performance", "tier=gold"], null, null));

        Assert.Equal(["driver_conversions_daily"], page.Items.Select(v => v.Name));
    }

    [Fact]
    public void Owner_filter_ignores_case()
    {
        var page = _catalog.ListFeatureViews(CatalogFilter.Parse(null, "growth@example.com", null));

        Assert.Equal(["conv", "driver_conversions_daily"], page.Items.Select(v => v.Name));
    }

    [Fact]
    public void Entity_filter_applies_to_views_services_and_sources()
    {
        var customer = CatalogFilter.Parse(null, null, "customer");

        Assert.Equal(["customer_profile"], _catalog.ListFeatureViews(customer).Items.Select(v => v.Name));
        Assert.Equal(["driver_activity_v1"], _catalog.ListFeatureServices(customer).Items.Select(s => s.Service.Name));
        Assert.Equal(["customer_profile_source"], _catalog.ListSources(customer).Items.Select(s => s.Source.Name));
        Assert.Equal(["customer"], _catalog.ListEntities(customer).Items.Select(e => e.Entity.Name));
    }

    [Fact]
    public void Combined_filters_that_match_nothing_give_an_empty_page()
    {
        var page = _catalog.ListFeatureViews(CatalogFilter.Parse(["team=driver_performance"], null, "customer"));

        Assert.Empty(page.Items);
        Assert.Null(page.NextPageToken);
    }

    [Theory]
    [InlineData("team")]
    [InlineData("=driver_performance")]
    public void Tag_filter_without_key_and_value_is_a_user_error(string tag)
    {
        var error = Assert.Throws<UserInputException>(() => CatalogFilter.Parse([tag], null, null));
        Assert.Contains(tag, error.Message);
        Assert.Contains("key=value", error.Message);
    }

    [Fact]
    public void Paging_walks_every_view_once_in_order()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = _catalog.ListFeatureViews(page: new PageRequest(3, token));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(v => v.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(2, pages);
        Assert.Equal(["conv", "customer_profile", "driver_conversions_daily", "driver_hourly_stats"], seen);
    }

    [Fact]
    public void A_page_exactly_filling_the_list_has_no_next_token()
    {
        Assert.Null(_catalog.ListFeatureViews(page: new PageRequest(4)).NextPageToken);
    }

    [Fact]
    public void Page_token_continues_after_the_last_name_even_when_the_registry_changed()
    {
        var first = _catalog.ListFeatureViews(page: new PageRequest(2));
        var withoutFirstTwo = Rides() with { FeatureViews = Rides().FeatureViews.Where(v => v.Name != "conv").ToArray() };

        var second = CatalogOf(withoutFirstTwo).ListFeatureViews(page: new PageRequest(2, first.NextPageToken));

        Assert.Equal(["conv", "customer_profile"], first.Items.Select(v => v.Name));
        Assert.Equal(["driver_conversions_daily", "driver_hourly_stats"], second.Items.Select(v => v.Name));
    }

    [Theory]
    [InlineData("not-a-token!")]
    [InlineData("bzox")] // base64url of "o:1", a search token, not a name token
    public void Damaged_or_foreign_page_token_is_a_user_error(string token)
    {
        var error = Assert.Throws<UserInputException>(() => _catalog.ListFeatureViews(page: new PageRequest(2, token)));
        Assert.Contains(token, error.Message);
    }

    [Fact]
    public void Negative_page_size_is_a_user_error()
    {
        Assert.Throws<UserInputException>(() => _catalog.ListEntities(page: new PageRequest(-1)));
    }

    [Fact]
    public void Entities_list_the_views_keyed_by_them()
    {
        var driver = _catalog.GetEntity("driver");

        Assert.Equal("driver_id", driver.Entity.JoinKey);
        Assert.Equal(["conv", "driver_conversions_daily", "driver_hourly_stats"], driver.FeatureViews);
    }

    [Fact]
    public void Feature_services_expand_bare_views_to_all_their_features()
    {
        var service = _catalog.GetFeatureService("driver_activity_v1");

        Assert.Equal(
            ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile:current_balance", "customer_profile:lifetime_trip_count"],
            service.Features.Select(f => f.ToString()));
        Assert.Equal(["driver_hourly_stats", "customer_profile"], service.FeatureViews);
    }

    [Fact]
    public void Sources_list_the_views_that_read_them()
    {
        var sources = _catalog.ListSources().Items;

        Assert.Equal(["customer_profile_source", "driver_stats_source", "trips_source"], sources.Select(s => s.Source.Name));
        Assert.Equal(["conv", "driver_conversions_daily"], sources.Single(s => s.Source.Name == "trips_source").FeatureViews);
    }

    [Fact]
    public void An_empty_registry_lists_nothing()
    {
        var catalog = new FeatureCatalog(CatalogSnapshot.Empty);

        Assert.Empty(catalog.ListFeatureViews().Items);
        Assert.Empty(catalog.ListVersions().Items);
        var error = Assert.Throws<NotFoundException>(() => catalog.GetFeatureView("driver_hourly_stats"));
        Assert.Contains("nothing has been applied", error.Message);
    }
}
