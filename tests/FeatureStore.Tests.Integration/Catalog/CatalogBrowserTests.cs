using FeatureStore.Server;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FeatureStore.Tests.Catalog;

/// <summary>
/// A person's path through the catalog pages in a real browser: Debian's headless Chromium driven by Playwright
/// (its bundled driver only; it never downloads a browser), started without <c>--explicitly-allowed-ports</c>, on the
/// default UI port 8888 when it is free. Fails, never skips, when Chromium is missing.
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
        await using var browser = await ChromiumAsync();
        var page = await browser.NewPageAsync();
        if (host.UiPortNote is { } note)
        {
            output.WriteLine(note);
        }
        Assert.True(host.UiAddress.Port == ServerOptions.DefaultUiPort || host.UiPortNote is not null,
            $"the catalog should be on the default UI port {ServerOptions.DefaultUiPort}, not {host.UiAddress.Port}");

        await page.GotoAsync(host.UiAddress.ToString());
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

    /// <summary>
    /// The reason the pages moved: Chromium refuses Feast's HTTP port 6566 before connecting (ERR_UNSAFE_PORT), and
    /// opens the default UI port 8888. When something else holds 8888 on this machine the pages are elsewhere, yet
    /// Chromium still must not call 8888 unsafe: whatever answers there (or the refused connection) is not that error.
    /// </summary>
    [Fact]
    public async Task Chromium_refuses_port_6566_as_unsafe_and_opens_the_default_ui_port()
    {
        await using var browser = await ChromiumAsync();
        var page = await browser.NewPageAsync();

        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync($"http://127.0.0.1:{ServerOptions.DefaultHttpPort}/"));
        Assert.Contains("ERR_UNSAFE_PORT", refused.Message);

        // A fresh page: the refused navigation's error page may still be loading in the first one.
        page = await browser.NewPageAsync();
        var defaultUi = $"http://127.0.0.1:{ServerOptions.DefaultUiPort}/";
        if (host.UiAddress.Port == ServerOptions.DefaultUiPort)
        {
            await page.GotoAsync(defaultUi);
            Assert.Equal("Catalog · Feature catalog", await page.TitleAsync());
        }
        else
        {
            output.WriteLine(host.UiPortNote);
            var error = await Record.ExceptionAsync(() => page.GotoAsync(defaultUi));
            Assert.DoesNotContain("ERR_UNSAFE_PORT", error?.Message ?? "");
        }
    }

    /// <summary>
    /// With read tokens, a person opens the catalog, gets the sign-in form, pastes a token, and browses with the session
    /// cookie the browser keeps (HttpOnly, SameSite=Strict), never seeing the token in a URL or a page; signing out ends it.
    /// </summary>
    [Fact]
    public async Task Person_signs_in_with_a_token_browses_with_the_session_and_signs_out()
    {
        const string Token = "r-0123456789abcdef-browser";
        await using var app = ServerHost.Build(host.OptionsWith(o => o.ReadTokens = Token));
        await app.StartAsync();
        await using var browser = await ChromiumAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(app.Endpoints().UiAddress, "/views/driver_hourly_stats").ToString());
        Assert.Equal("Sign in · Feature catalog", await page.TitleAsync());
        await page.GetByLabel("Access token").FillAsync(Token);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.Locator("table.schema").WaitForAsync();

        Assert.EndsWith("/views/driver_hourly_stats", page.Url);
        var cookie = Assert.Single(await page.Context.CookiesAsync());
        Assert.Equal(BrowserSessions.CookieName, cookie.Name);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain("0123456789abcdef", cookie.Value);
        Assert.DoesNotContain("0123456789abcdef", await page.ContentAsync());

        await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "History" }).ClickAsync();
        await page.Locator("article.version").First.WaitForAsync();
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign out" }).ClickAsync();
        await page.GetByLabel("Access token").WaitForAsync();
        Assert.Empty(await page.Context.CookiesAsync());
        await app.StopAsync();
    }

    /// <summary>A stock headless Chromium: no <c>--explicitly-allowed-ports</c>, so it refuses what a person's browser refuses.</summary>
    private static async Task<HeadlessChromium> ChromiumAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("FEATURESTORE_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : ChromiumPath;
        Assert.True(File.Exists(chromium),
            $"The catalog browser test needs Chromium at {chromium} and it is missing. Install it with " +
            "'apt-get install -y chromium chromium-driver' (.ci/run does this from .ci/packages), or point FEATURESTORE_TEST_CHROMIUM at a Chromium binary.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>The browser and the driver behind it, closed together.</summary>
    private sealed class HeadlessChromium(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public async Task<IPage> NewPageAsync()
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
            // Generous: the whole suite shares two cores with this browser.
            page.SetDefaultTimeout(60_000);
            page.SetDefaultNavigationTimeout(60_000);
            return page;
        }

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
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
