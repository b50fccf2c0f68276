using FeatureStore.Core.Catalog;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.Server.Catalog.Web;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

/// <summary>The server-rendered pages, rendered directly (the browser test covers them through a real host).</summary>
public sealed class CatalogPageRenderingTests
{
    private static readonly DateTimeOffset Watermark = T0;

    private static ViewQuality NoRuns(string view) => new() { View = view };

    private static FeatureCatalog WithState(DateTimeOffset watermark) =>
        CatalogOf(Rides(), new ViewMaterializationState("driver_hourly_stats", watermark, watermark.AddMinutes(2), watermark.AddHours(-1), watermark, 4321, TimeSpan.FromSeconds(2)));

    [Fact]
    public void Definition_text_is_html_encoded_everywhere()
    {
        var hostile = Rides() with
        {
            FeatureViews = Rides().FeatureViews.Select(v => v.Name == "conv"
                ? v with { Description = "<script>alert(1)</script>", Owner = "\"><img src=x onerror=alert(2)>", Tags = Tags("x=<b>bold</b>") }
                : v).ToArray(),
        };
        var catalog = CatalogOf(hostile);

        var pages = new[]
        {
            IndexPage.Render(catalog, null, T0),
            IndexPage.Render(catalog, "<script>", T0),
            ViewPage.Render(catalog, catalog.GetFeatureView("conv"), NoRuns("conv"), T0),
        };

        foreach (var html in pages)
        {
            Assert.DoesNotContain("<script>", html);
            Assert.DoesNotContain("<img", html);
            Assert.DoesNotContain("<b>bold", html);
        }
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", pages[0]);
        Assert.Contains("value=\"&lt;script&gt;\"", pages[1]);
    }

    [Fact]
    public void Fresh_view_shows_its_age_without_highlight()
    {
        var html = ViewPage.Render(WithState(Watermark), WithState(Watermark).GetFeatureView("driver_hourly_stats"), NoRuns("driver_hourly_stats"), Watermark.AddHours(3));

        Assert.Contains("<span class=\"badge fresh\">materialized 3 h ago</span>", html);
        Assert.Contains("class=\"panel freshness\"", html);
        Assert.Contains("4,321 rows written", html);
    }

    [Fact]
    public void View_older_than_its_ttl_is_highlighted()
    {
        var catalog = WithState(Watermark);

        var html = ViewPage.Render(catalog, catalog.GetFeatureView("driver_hourly_stats"), NoRuns("driver_hourly_stats"), Watermark.AddDays(3));

        Assert.Contains("class=\"panel freshness is-stale\"", html);
        Assert.Contains("<span class=\"badge stale\">materialized 3 d ago</span>", html);
        Assert.Contains("Older than the TTL (1d)", html);
    }

    [Fact]
    public void Index_search_lists_hits_in_rank_order_and_narrows_the_lists()
    {
        var html = IndexPage.Render(CatalogOf(Rides()), "conv", T0);

        var exact = html.IndexOf("href=\"/views/conv\">conv</a>", StringComparison.Ordinal);
        var prefix = html.IndexOf("driver_hourly_stats:</span>conv_rate", StringComparison.Ordinal);
        var description = html.IndexOf("customer_profile:</span>lifetime_trip_count", StringComparison.Ordinal);
        Assert.True(exact >= 0 && exact < prefix && prefix < description, html);
        Assert.Contains("Entities <span class=\"count\">0</span>", html);
    }

    [Fact]
    public void View_page_shows_lineage_and_schema_with_join_keys()
    {
        var catalog = CatalogOf(Rides());

        var html = ViewPage.Render(catalog, catalog.GetFeatureView("driver_hourly_stats"), NoRuns("driver_hourly_stats"), T0);

        Assert.Contains("<span class=\"name\">driver_stats_source</span>", html);
        Assert.Contains("<code>data/driver_stats.parquet</code>", html);
        Assert.Contains("conv → conv_rate", html);
        Assert.Contains("href=\"/#service-driver_activity_v1\">driver_activity_v1</a>", html);
        Assert.Contains("<tr class=\"join-key\"><td><code>driver_id</code>", html);
        Assert.Contains("<tr id=\"feature-conv_rate\" class=\"feature\"><td><code>conv_rate</code></td><td><code>float32</code></td><td>Conversion rate</td>", html);
        Assert.Contains("not materialized", html);
    }

    [Fact]
    public void Versions_page_shows_each_change_with_its_fields()
    {
        var versions = new[]
        {
            Version(1, Rides(), new ObjectChange(ObjectKind.FeatureView, "driver_hourly_stats", ChangeType.Added, [])),
            Version(2, Rides(), new ObjectChange(ObjectKind.FeatureView, "driver_hourly_stats", ChangeType.Changed, [new FieldChange("ttl", "1d", "6h")])),
        };
        var catalog = new FeatureCatalog(new CatalogSnapshot(versions[^1], versions, []));

        var html = VersionsPage.Render(catalog, catalog.ListVersions());

        Assert.True(html.IndexOf("id=\"v2\"", StringComparison.Ordinal) < html.IndexOf("id=\"v1\"", StringComparison.Ordinal));
        Assert.Contains("<span class=\"badge changed\">changed</span>", html);
        Assert.Contains("<td class=\"mono\">1d</td><td class=\"mono\">6h</td>", html);
    }

    [Theory]
    [InlineData(30, "just now")]
    [InlineData(60 * 12, "12 min ago")]
    [InlineData(3600 * 3, "3 h ago")]
    [InlineData(3600 * 24 * 5, "5 d ago")]
    public void Ages_read_as_short_text(int seconds, string expected)
    {
        Assert.Equal(expected, AgeText.Ago(TimeSpan.FromSeconds(seconds)));
    }
}
