using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FeatureStore.Tests.Catalog;

/// <summary>
/// A person's path through the catalog page in a real browser: Debian's headless Chromium driven by Playwright
/// (its bundled driver only; it never downloads a browser). Fails, never skips, when Chromium is missing.
/// </summary>
[Collection(CatalogHostCollection.Name)]
public sealed class CatalogBrowserTests(CatalogHostFixture host, ITestOutputHelper output)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    [Fact]
    public async Task Person_searches_conv_opens_driver_hourly_stats_and_sees_schema_lineage_and_svg_histograms()
    {
        var chromium = Environment.GetEnvironmentVariable("FEATURESTORE_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : ChromiumPath;
        Assert.True(File.Exists(chromium),
            $"The catalog browser test needs Chromium at {chromium} and it is missing. Install it with " +
            "'apt-get install -y chromium chromium-driver' (.ci/run does this from .ci/packages), or point FEATURESTORE_TEST_CHROMIUM at a Chromium binary.");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // Generous: the whole suite shares two cores with this browser.
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(60_000);

        await page.GotoAsync(host.HttpAddress.ToString());
        Assert.Equal("Catalog · Feature catalog", await page.TitleAsync());
        Assert.Equal(2, await page.Locator("table.views tbody tr").CountAsync());

        await page.GetByLabel("Search the catalog").FillAsync("conv");
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Search" }).ClickAsync();
        await page.Locator("table.results").WaitForAsync();
        Assert.Contains("q=conv", page.Url);
        var firstHit = page.Locator("table.results tbody tr").First;
        Assert.Contains("conv_rate", await firstHit.InnerTextAsync());
        var searchShot = await SaveScreenshotAsync(page, "catalog-search.png");

        await page.Locator("table.views").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "driver_hourly_stats", Exact = true }).ClickAsync();
        await page.Locator("table.schema").WaitForAsync();
        Assert.EndsWith("/views/driver_hourly_stats", page.Url);

        Assert.Equal("driver_hourly_stats", await page.Locator("h1").InnerTextAsync());
        var schemaRows = await page.Locator("table.schema tbody tr.feature td:first-child").AllInnerTextsAsync();
        Assert.Equal(["conv_rate", "acc_rate", "avg_daily_trips"], schemaRows);
        Assert.Contains("driver_id", await page.Locator("table.schema tr.join-key").InnerTextAsync());
        var lineage = page.Locator(".lineage");
        Assert.Contains("driver_stats_source", await lineage.Locator(".node.source").InnerTextAsync());
        Assert.Contains("data/driver_stats.parquet", await lineage.Locator(".node.source").InnerTextAsync());
        Assert.Contains("driver_hourly_stats", await lineage.Locator(".node.current").InnerTextAsync());
        Assert.Contains("driver_activity_v1", await lineage.Locator(".node.services").InnerTextAsync());
        Assert.Contains("materialized 3 h ago", await page.Locator("#freshness").InnerTextAsync());

        // The quality section: one inline SVG histogram per numeric feature, drawn by the browser, and a drift sparkline.
        var histograms = page.Locator("table.profile svg.histogram");
        Assert.Equal(3, await histograms.CountAsync());
        var box = await histograms.First.BoundingBoxAsync();
        Assert.True(box is { Width: 160, Height: 40 }, $"the histogram should be drawn 160x40, not {box?.Width}x{box?.Height}");
        Assert.True(await page.Locator("#profile-conv_rate svg.histogram rect").CountAsync() == 20, "20 bins per histogram");
        Assert.True(await page.Locator("#profile-conv_rate svg.sparkline polyline").IsVisibleAsync(), "the drift sparkline is drawn");
        Assert.Contains("avg_daily_trips max_null_fraction", await page.Locator("#checks .badge.check.warn").InnerTextAsync());
        var qualityShot = Path.Combine(AppContext.BaseDirectory, "TestResults", "catalog-quality.png");
        await page.Locator("table.profile").ScreenshotAsync(new LocatorScreenshotOptions { Path = qualityShot });
        Assert.True(new FileInfo(qualityShot).Length > 2_000, $"the screenshot {qualityShot} should hold the drawn histograms");

        var viewShot = await SaveScreenshotAsync(page, "catalog.png");
        output.WriteLine($"Screenshot of the search results: {searchShot}");
        output.WriteLine($"Screenshot of the feature view page: {viewShot}");
        output.WriteLine($"Screenshot of the view's quality section (SVG histograms): {qualityShot}");
    }

    /// <summary>Saves a full-page screenshot under the test output's TestResults folder (a test artifact).</summary>
    private static async Task<string> SaveScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"the screenshot {path} should hold a rendered page");
        return path;
    }
}
