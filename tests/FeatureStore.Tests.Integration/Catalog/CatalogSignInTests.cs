using System.Net;
using System.Net.Http.Headers;
using FeatureStore.Server;
using FeatureStore.Server.Auth;
using FeatureStore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FeatureStore.Tests.Catalog;

/// <summary>
/// The catalog pages with read tokens configured: a browser cannot send a bearer header with a link, so any page
/// without a session answers 401 with a sign-in form; posting a read or write token there sets an HttpOnly,
/// SameSite=Strict (and, over TLS, Secure) session cookie that never holds the token, and the pages accept it. The
/// cookie opens the pages only, never the API; tokens appear in no answer and no URL.
/// </summary>
[Collection(CatalogHostCollection.Name)]
public sealed class CatalogSignInTests(CatalogHostFixture host) : IAsyncLifetime
{
    private const string ReadToken = "r-0123456789abcdef-catalog";
    private const string WriteToken = "w-0123456789abcdef-catalog";

    private readonly CookieContainer _cookies = new();
    private readonly CapturedLog _log = new();
    private WebApplication _app = null!;
    private HttpClient _browser = null!;
    private Uri _ui = null!;
    private Uri _http = null!;

    public async Task InitializeAsync()
    {
        _app = ServerHost.Build(host.OptionsWith(o => (o.ReadTokens, o.WriteTokens) = (ReadToken, WriteToken)), _log);
        await _app.StartAsync();
        _ui = _app.Endpoints().UiAddress;
        _http = _app.Endpoints().HttpAddress;
        _browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true })
        {
            BaseAddress = _ui,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_session_a_page_answers_401_with_the_sign_in_form_and_nothing_of_the_catalog()
    {
        using var response = await _browser.GetAsync("/views/driver_hourly_stats?x=1");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form class=\"login\" method=\"post\" action=\"/login\">", html);
        Assert.Contains("<input type=\"hidden\" name=\"return\" value=\"/views/driver_hourly_stats?x=1\">", html);
        Assert.Contains("type=\"password\"", html);
        Assert.DoesNotContain("conv_rate", html);
        Assert.DoesNotContain("driver_stats_source", html);
        Assert.DoesNotContain("That token is not accepted", html);
    }

    [Fact]
    public async Task Signing_in_sets_a_strict_httponly_session_cookie_without_the_token_and_returns_to_the_page()
    {
        using var signIn = await SignInAsync(ReadToken, "/views/driver_hourly_stats");

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/views/driver_hourly_stats", signIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(BrowserSessions.CookieName + "=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here; see the TLS test
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase); // the browser drops it when it closes
        Assert.DoesNotContain("0123456789abcdef", cookie);

        using var page = await _browser.GetAsync("/views/driver_hourly_stats");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<table class=\"schema\">", html);
        Assert.Contains("<form class=\"signout\" method=\"post\" action=\"/logout\">", html);
        Assert.DoesNotContain("0123456789abcdef", html);
    }

    [Fact]
    public async Task A_write_token_signs_in_too()
    {
        using var signIn = await SignInAsync(WriteToken, "/");
        using var page = await _browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_no_cookie_and_no_detail()
    {
        using var signIn = await SignInAsync(ReadToken + "-wrong", "/versions");
        var html = await signIn.Content.ReadAsStringAsync();
        using var page = await _browser.GetAsync("/versions");

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
        Assert.Contains("That token is not accepted.", html);
        Assert.Contains("name=\"return\" value=\"/versions\"", html);
        Assert.DoesNotContain("0123456789abcdef", html);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Fact]
    public async Task The_session_opens_the_pages_but_not_the_api_and_a_forged_cookie_opens_nothing()
    {
        using var signIn = await SignInAsync(ReadToken, "/");
        var session = _cookies.GetCookies(_ui)[BrowserSessions.CookieName]!;
        // Cookies are not kept apart by port: a browser sends this one to the HTTP port as well.
        using var withCookie = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var api = await withCookie.SendAsync(WithCookie(new Uri(_http, "/api/catalog/feature-views"), session.Value));
        using var page = await withCookie.SendAsync(WithCookie(_ui, session.Value));
        using var forgedPage = await withCookie.SendAsync(WithCookie(_ui, ForgedFrom(session.Value)));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedPage.StatusCode);
    }

    [Fact]
    public async Task A_bearer_header_opens_the_pages_without_signing_in()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadToken);

        using var page = await _browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var signIn = await SignInAsync(ReadToken, "/");
        using var signOut = await _browser.PostAsync("/logout", new FormUrlEncodedContent([]));
        using var page = await _browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        Assert.Equal("/login", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Fact]
    public async Task The_return_path_stays_on_this_server()
    {
        using var elsewhere = await SignInAsync(ReadToken, "https://evil.example/");
        using var protocolRelative = await SignInAsync(ReadToken, "//evil.example/");

        Assert.Equal("/", elsewhere.Headers.Location?.OriginalString);
        Assert.Equal("/", protocolRelative.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task No_token_reaches_the_log()
    {
        using var wrong = await SignInAsync(ReadToken + "-wrong", "/");
        using var right = await SignInAsync(ReadToken, "/");
        using var page = await _browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("0123456789abcdef", _log.Text);
    }

    [Fact]
    public async Task Over_tls_the_session_cookie_is_secure()
    {
        using var certificate = TestCertificate.Create();
        await using var app = ServerHost.Build(host.OptionsWith(o =>
            (o.ReadTokens, o.TlsCertFile, o.TlsKeyFile) = (ReadToken, certificate.CertPem, certificate.KeyPem)));
        await app.StartAsync();
        using var browser = new HttpClient(certificate.TrustingHandler(new CookieContainer())) { BaseAddress = app.Endpoints().UiAddress };

        using var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", ReadToken), new("return", "/")]));
        using var page = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Contains("; secure", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void Behind_a_proxy_that_ends_tls_the_session_cookie_is_secure()
    {
        var sessions = new BrowserSessions(AccessTokens.From([], [ReadToken]), TimeProvider.System);
        var relayed = new DefaultHttpContext();
        relayed.Request.Headers["X-Forwarded-Proto"] = "https";
        var direct = new DefaultHttpContext();

        Assert.True(sessions.SignIn(relayed, ReadToken));
        Assert.True(sessions.SignIn(direct, ReadToken));

        Assert.Contains("; secure", relayed.Response.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", direct.Response.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_session_ends_after_its_lifetime_and_when_the_server_restarts()
    {
        var clock = new FixedTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var tokens = AccessTokens.From([], [ReadToken]);
        var sessions = new BrowserSessions(tokens, clock);
        var signIn = new DefaultHttpContext();
        Assert.True(sessions.SignIn(signIn, ReadToken));
        Assert.False(sessions.SignIn(new DefaultHttpContext(), "r-0123456789abcdef-unknown"));
        var cookie = signIn.Response.Headers.SetCookie.ToString().Split(';')[0];

        Assert.True(sessions.IsSignedIn(WithCookie(cookie)));
        Assert.False(new BrowserSessions(tokens, clock).IsSignedIn(WithCookie(cookie))); // a restart draws a new key
        clock.Now += BrowserSessions.Lifetime;
        Assert.False(sessions.IsSignedIn(WithCookie(cookie)));
    }

    private static HttpRequestMessage WithCookie(Uri url, string session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Cookie", $"{BrowserSessions.CookieName}={session}");
        return request;
    }

    private static DefaultHttpContext WithCookie(string cookie)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookie;
        return context;
    }

    /// <summary>The cookie with a later expiry and the same MAC: what a person trying to extend a session would send.</summary>
    private static string ForgedFrom(string value)
    {
        var dot = value.IndexOf('.');
        return (long.Parse(value[..dot], System.Globalization.CultureInfo.InvariantCulture) + 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture) + value[dot..];
    }

    private Task<HttpResponseMessage> SignInAsync(string token, string returnPath) =>
        _browser.PostAsync("/login", new FormUrlEncodedContent([new("token", token), new("return", returnPath)]));
}
