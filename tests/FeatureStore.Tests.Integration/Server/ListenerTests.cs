using System.Net;
using System.Text;
using FeatureStore.Server.Hosting;
using FeatureStore.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Server;

/// <summary>
/// Which port serves what: the catalog pages on the UI port only, the Feast API, <c>/api/catalog</c>, health and
/// metrics on the HTTP port only, a redirect where a person would land on the wrong one; and the one warning of a
/// server reachable beyond its machine without TLS or read tokens.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ListenerTests(RedisFixture redis) : IAsyncLifetime
{
    private ServingRepository _repository = null!;

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await ServingTestData.WriteAsync(_repository);
    }

    public async Task DisposeAsync() => await _repository.DisposeAsync();

    [Fact]
    public async Task Get_slash_on_the_http_port_redirects_to_the_ui_port_on_the_host_the_request_used()
    {
        await using var server = await _repository.StartServerAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var http = server.Endpoints.Http.Port;
        var ui = server.Endpoints.Ui.Port;

        Assert.Equal($"http://127.0.0.1:{ui}/", await RedirectOf(client, $"http://127.0.0.1:{http}/", host: null));
        Assert.Equal($"http://localhost:{ui}/", await RedirectOf(client, $"http://127.0.0.1:{http}/", host: $"localhost:{http}"));
        Assert.Equal($"http://features.example.com:{ui}/?q=conv", await RedirectOf(client, $"http://127.0.0.1:{http}/?q=conv", host: "features.example.com"));
        Assert.Equal($"http://127.0.0.1:{ui}/views/driver_hourly_stats", await RedirectOf(client, $"http://127.0.0.1:{http}/views/driver_hourly_stats", host: null));
        Assert.Equal($"http://127.0.0.1:{http}/api/catalog/feature-views", await RedirectOf(client, $"http://127.0.0.1:{ui}/api/catalog/feature-views", host: null));
    }

    [Fact]
    public async Task The_ui_port_serves_the_pages_and_nothing_of_the_api()
    {
        await using var server = await _repository.StartServerAsync();

        using var page = await server.Ui.GetAsync("/");
        using var health = await server.Ui.GetAsync("/health");
        using var metrics = await server.Ui.GetAsync("/metrics");
        using var lookup = await server.Ui.PostAsync("/get-online-features",
            new StringContent("""{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}""", Encoding.UTF8, "application/json"));
        using var apiHealth = await server.Http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (health.StatusCode, metrics.StatusCode, lookup.StatusCode));
        Assert.Equal(HttpStatusCode.OK, apiHealth.StatusCode);
    }

    [Fact]
    public async Task Binding_every_interface_without_tls_or_read_tokens_logs_one_warning()
    {
        var log = new CapturedLog();
        await using (await _repository.StartServerAsync(new Dictionary<string, string?>(), log, "--bind", "0.0.0.0"))
        {
        }
        var loopback = new CapturedLog();
        await using (await _repository.StartServerAsync(new Dictionary<string, string?>(), loopback))
        {
        }

        var warning = Assert.Single(log.Entries, e => e.Level >= LogLevel.Warning);
        Assert.StartsWith("Listening on every interface (0.0.0.0) without TLS and without read tokens", warning.Message);
        Assert.Contains("--tls-cert", warning.Message);
        Assert.Contains("FEATURESTORE_READ_TOKENS", warning.Message);
        Assert.DoesNotContain(loopback.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Binding_every_interface_with_tls_and_read_tokens_logs_no_warning()
    {
        using var certificate = TestCertificate.Create();
        var log = new CapturedLog();
        await using (await _repository.StartServerAsync(
            new Dictionary<string, string?> { ["FEATURESTORE_READ_TOKENS"] = "r-0123456789abcdef-reader" }, log,
            "--bind", "0.0.0.0", "--tls-cert", certificate.CertPem, "--tls-key", certificate.KeyPem))
        {
        }

        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void The_warning_names_what_is_missing_and_loopback_needs_none()
    {
        Assert.Null(ExposureWarning.For(IPAddress.Loopback, tls: false, readTokens: false));
        Assert.Null(ExposureWarning.For(IPAddress.IPv6Loopback, tls: false, readTokens: false));
        Assert.Null(ExposureWarning.For(IPAddress.Any, tls: true, readTokens: true));
        Assert.StartsWith("Listening on 10.0.0.5 without TLS:", ExposureWarning.For(IPAddress.Parse("10.0.0.5"), tls: false, readTokens: true));
        Assert.StartsWith("Listening on every interface (::) without read tokens:", ExposureWarning.For(IPAddress.IPv6Any, tls: true, readTokens: false));
    }

    private static async Task<string?> RedirectOf(HttpClient client, string url, string? host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (host is not null)
        {
            request.Headers.Host = host;
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return response.Headers.Location?.OriginalString;
    }
}
