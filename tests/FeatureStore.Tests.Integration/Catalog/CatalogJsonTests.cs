using System.Net;
using System.Text.Json;

namespace FeatureStore.Tests.Catalog;

/// <summary>The read-only JSON catalog under <c>/api/catalog</c> and the plain-HTML pages of the real host.</summary>
[Collection(CatalogHostCollection.Name)]
public sealed class CatalogJsonTests(CatalogHostFixture host)
{
    private async Task<(HttpStatusCode Status, JsonElement Json)> GetJsonAsync(string path, string mediaType = "application/json")
    {
        using var response = await host.Http.GetAsync(path);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, json);
    }

    private static string[] Names(JsonElement list) => list.EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray();

    [Fact]
    public async Task Feature_views_filter_by_tag_owner_and_entity()
    {
        var (status, all) = await GetJsonAsync("/api/catalog/feature-views");
        var (_, byTag) = await GetJsonAsync("/api/catalog/feature-views?tag=team=customer_insights");
        var (_, byOwner) = await GetJsonAsync("/api/catalog/feature-views?owner=driver-team@example.com");
        var (_, byEntity) = await GetJsonAsync("/api/catalog/feature-views?entity=customer&tag=team=customer_insights");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["customer_profile", "driver_hourly_stats"], Names(all.GetProperty("featureViews")));
        Assert.Equal(["customer_profile"], Names(byTag.GetProperty("featureViews")));
        Assert.Equal(["driver_hourly_stats"], Names(byOwner.GetProperty("featureViews")));
        Assert.Equal(["customer_profile"], Names(byEntity.GetProperty("featureViews")));
    }

    [Fact]
    public async Task Lists_page_with_page_size_and_page_token()
    {
        var (_, first) = await GetJsonAsync("/api/catalog/entities?page_size=1");
        var token = first.GetProperty("nextPageToken").GetString()!;
        var (_, second) = await GetJsonAsync($"/api/catalog/entities?page_size=1&page_token={Uri.EscapeDataString(token)}");

        Assert.Equal(["customer"], Names(first.GetProperty("entities")));
        Assert.Equal(2, first.GetProperty("totalSize").GetInt32());
        Assert.Equal(["driver"], Names(second.GetProperty("entities")));
        Assert.Equal("", second.GetProperty("nextPageToken").GetString());
    }

    [Fact]
    public async Task Feature_view_detail_has_schema_lineage_and_freshness()
    {
        var (status, view) = await GetJsonAsync("/api/catalog/feature-views/driver_hourly_stats");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["conv_rate", "acc_rate", "avg_daily_trips"], Names(view.GetProperty("features")));
        Assert.Equal("driver_id", view.GetProperty("entities")[0].GetProperty("joinKey").GetString());
        Assert.Equal("data/driver_stats.parquet", view.GetProperty("source").GetProperty("path").GetString());
        Assert.Equal("86400s", view.GetProperty("ttl").GetString());
        Assert.Equal("driver_activity_v1", view.GetProperty("featureServices")[0].GetString());
        Assert.Equal(1, view.GetProperty("lastChangedIn").GetProperty("number").GetInt32());
        Assert.Equal("240", view.GetProperty("freshness").GetProperty("rowsWritten").GetString());
        Assert.False(view.GetProperty("freshness").GetProperty("stale").GetBoolean());
    }

    [Theory]
    [InlineData("/api/catalog/feature-views/no_such_view", "no_such_view")]
    [InlineData("/api/catalog/entities/rider", "rider")]
    [InlineData("/api/catalog/feature-services/ranking_v9", "ranking_v9")]
    [InlineData("/api/catalog/no-such-list", "no-such-list")]
    public async Task Unknown_names_are_404_problem_details(string path, string name)
    {
        var (status, json) = await GetJsonAsync(path, "application/problem+json");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, json.GetProperty("status").GetInt32());
        Assert.Equal("NOT_FOUND", json.GetProperty("code").GetString());
        Assert.Contains(name, json.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/catalog/feature-views?tag=team")]
    [InlineData("/api/catalog/sources?page_token=garbage!")]
    [InlineData("/api/catalog/feature-services?page_size=ten")]
    [InlineData("/api/catalog/search?q=")]
    public async Task Bad_filters_tokens_and_queries_are_400_problem_details(string path)
    {
        var (status, json) = await GetJsonAsync(path, "application/problem+json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Search_ranks_exact_then_substring_then_description()
    {
        var (_, trips) = await GetJsonAsync("/api/catalog/search?q=avg_daily_trips");
        var (_, daily) = await GetJsonAsync("/api/catalog/search?q=daily");

        Assert.Equal("exact_name", trips.GetProperty("hits")[0].GetProperty("match").GetString());
        Assert.Equal(
            ["driver_hourly_stats:avg_daily_trips", "customer_profile"],
            daily.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("reference").GetString()));
    }

    [Fact]
    public async Task Versions_and_services_and_sources_are_served()
    {
        var (_, versions) = await GetJsonAsync("/api/catalog/versions");
        var (_, services) = await GetJsonAsync("/api/catalog/feature-services");
        var (_, service) = await GetJsonAsync("/api/catalog/feature-services/driver_activity_v1");
        var (_, sources) = await GetJsonAsync("/api/catalog/sources");

        Assert.Equal([2, 1], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(["driver_activity_v1"], Names(services.GetProperty("featureServices")));
        Assert.Equal(5, service.GetProperty("features").GetArrayLength());
        Assert.Equal(["customer_profile_source", "driver_stats_source"], Names(sources.GetProperty("sources")));
    }

    [Fact]
    public async Task Catalog_page_searches_with_a_plain_get_and_no_script()
    {
        var html = await host.Ui.GetStringAsync("/?q=conv");

        Assert.DoesNotContain("<script", html);
        Assert.Contains("<form class=\"search\" method=\"get\" action=\"/\"", html);
        Assert.Contains("driver_hourly_stats:</span>conv_rate</a>", html);
    }

    [Fact]
    public async Task Unknown_view_page_is_404()
    {
        using var response = await host.Ui.GetAsync("/views/no_such_view");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no_such_view", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Versions_page_shows_the_second_apply()
    {
        var html = await host.Ui.GetStringAsync("/versions");

        Assert.Contains("id=\"v2\"", html);
        Assert.Contains("Customer profile, refreshed daily at midnight UTC", html);
    }
}
