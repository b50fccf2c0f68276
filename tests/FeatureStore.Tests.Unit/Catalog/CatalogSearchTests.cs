using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

public sealed class CatalogSearchTests
{
    private readonly FeatureCatalog _catalog = CatalogOf(Rides());

    [Fact]
    public void Search_ranks_exact_name_then_prefix_then_substring_then_description()
    {
        var hits = _catalog.SearchFeatures("conv").Items;

        Assert.Equal(
            [
                ("conv", SearchMatch.ExactName),
                ("conv:conv_events", SearchMatch.NamePrefix),
                ("driver_hourly_stats:conv_rate", SearchMatch.NamePrefix),
                ("driver_conversions_daily", SearchMatch.NameSubstring),
                ("driver_conversions_daily:daily_conv", SearchMatch.NameSubstring),
                ("customer_profile:lifetime_trip_count", SearchMatch.Description),
            ],
            hits.Select(h => (h.Reference, h.Match)));
    }

    [Fact]
    public void Search_ignores_case()
    {
        var hits = _catalog.SearchFeatures("CONV_RATE").Items;

        var hit = Assert.Single(hits);
        Assert.Equal(SearchMatch.ExactName, hit.Match);
        Assert.Equal(SearchHitKind.Feature, hit.Kind);
        Assert.Equal("float32", hit.Type!.ToString());
    }

    [Fact]
    public void Search_matches_view_owners()
    {
        var hits = _catalog.SearchFeatures("customer-team").Items;

        var hit = Assert.Single(hits);
        Assert.Equal(("customer_profile", SearchMatch.Owner), (hit.Reference, hit.Match));
    }

    [Fact]
    public void Search_matches_view_and_feature_tags()
    {
        Assert.Equal(["customer_profile"], _catalog.SearchFeatures("customer_insights").Items.Select(h => h.Reference));
        Assert.Equal(["conv:conv_events"], _catalog.SearchFeatures("pii=false").Items.Select(h => h.Reference));
        Assert.All(_catalog.SearchFeatures("tier=gold").Items, h => Assert.Equal(SearchMatch.Tag, h.Match));
    }

    [Fact]
    public void Search_matches_feature_descriptions()
    {
        var hit = Assert.Single(_catalog.SearchFeatures("wallet").Items);

        Assert.Equal(("customer_profile:current_balance", SearchMatch.Description), (hit.Reference, hit.Match));
    }

    [Fact]
    public void Search_with_no_match_is_empty()
    {
        Assert.Empty(_catalog.SearchFeatures("zebra").Items);
    }

    [Fact]
    public void Empty_search_is_a_user_error()
    {
        Assert.Throws<UserInputException>(() => _catalog.SearchFeatures("  "));
    }

    [Fact]
    public void Search_results_page_in_rank_order()
    {
        var first = _catalog.SearchFeatures("conv", new PageRequest(4));
        var second = _catalog.SearchFeatures("conv", new PageRequest(4, first.NextPageToken));

        Assert.Equal(6, first.TotalCount);
        Assert.Equal(4, first.Items.Count);
        Assert.Equal(["driver_conversions_daily:daily_conv", "customer_profile:lifetime_trip_count"], second.Items.Select(h => h.Reference));
        Assert.Null(second.NextPageToken);
    }
}
