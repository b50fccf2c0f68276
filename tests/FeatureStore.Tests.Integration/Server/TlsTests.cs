using System.Net;
using FeatureStore.Client;
using FeatureStore.Server;
using FeatureStore.Tests.Infrastructure;
using Grpc.Net.Client;

namespace FeatureStore.Tests.Server;

/// <summary>
/// HTTPS and gRPC over TLS from <c>--tls-cert</c>/<c>--tls-key</c> (PEM, the key possibly encrypted) or a PFX, the
/// password from <c>FEATURESTORE_TLS_PASSWORD</c>; with a certificate the test generates and clients that trust only it.
/// A bad certificate setup stops the server with one line naming the file, never the password.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class TlsTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private ServingRepository _repository = null!;

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await ServingTestData.WriteAsync(_repository);
    }

    public async Task DisposeAsync()
    {
        await _repository.DisposeAsync();
        _certificate.Dispose();
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("encrypted pem")]
    [InlineData("pfx")]
    public async Task Every_listener_serves_tls_with_the_certificate(string form)
    {
        var (args, environment) = form switch
        {
            "pem" => (new[] { "--tls-cert", _certificate.CertPem, "--tls-key", _certificate.KeyPem }, new Dictionary<string, string?>()),
            "encrypted pem" => (["--tls-cert", _certificate.CertPem, "--tls-key", _certificate.EncryptedKeyPem],
                new Dictionary<string, string?> { ["FEATURESTORE_TLS_PASSWORD"] = TestCertificate.Password }),
            _ => (["--tls-cert", _certificate.Pfx], new Dictionary<string, string?> { ["FEATURESTORE_TLS_PASSWORD"] = TestCertificate.Password }),
        };
        var log = new CapturedLog();
        await using var server = await _repository.StartServerAsync(environment, log, args);
        using var https = new HttpClient(_certificate.TrustingHandler()) { Timeout = TimeSpan.FromSeconds(30) };
        using var channel = GrpcChannel.ForAddress(server.Endpoints.GrpcAddress, new GrpcChannelOptions { HttpHandler = _certificate.TrustingHandler() });
        using var client = new FeatureStoreClient(channel);

        Assert.Equal(("https", "https", "https"), (server.Endpoints.HttpAddress.Scheme, server.Endpoints.GrpcAddress.Scheme, server.Endpoints.UiAddress.Scheme));
        using var health = await https.GetAsync(new Uri(server.Endpoints.HttpAddress, "/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var page = await https.GetAsync(server.Endpoints.UiAddress);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Feature catalog", await page.Content.ReadAsStringAsync());
        var features = await client.GetOnlineFeaturesAsync(["driver_hourly_stats:conv_rate"], ServingTestData.Drivers(1001));
        Assert.Equal(0.5, Convert.ToDouble(features["conv_rate", 0]));

        await Assert.ThrowsAsync<HttpRequestException>(() => server.Http.GetAsync("/health"));
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(server.Endpoints.HttpAddress) { Scheme = "http" }.Uri));
        Assert.Contains(log.Entries, e => e.Message.Contains("TLS certificate CN=featurestore-test", StringComparison.Ordinal));
        Assert.DoesNotContain(TestCertificate.Password, log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused_the_connection()
    {
        await using var server = await _repository.StartServerAsync(new Dictionary<string, string?>(), null,
            "--tls-cert", _certificate.CertPem, "--tls-key", _certificate.KeyPem);
        using var untrusting = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri(server.Endpoints.HttpAddress, "/health")));
    }

    [Fact]
    public async Task A_missing_certificate_file_is_exit_code_2_naming_it()
    {
        var missing = Path.Combine(_certificate.Folder, "nope.crt");

        var (code, error) = await RunAsync("--tls-cert", missing, "--tls-key", _certificate.KeyPem);

        Assert.Equal(2, code);
        Assert.Equal($"error: --tls-cert: the certificate file '{missing}' does not exist.", error);
    }

    [Fact]
    public async Task A_key_of_another_certificate_is_exit_code_2_naming_both_files()
    {
        using var other = TestCertificate.Create("CN=other");

        var (code, error) = await RunAsync("--tls-cert", _certificate.CertPem, "--tls-key", other.KeyPem);

        Assert.Equal(2, code);
        Assert.Equal($"error: --tls-key: the private key in '{other.KeyPem}' does not belong to the certificate in '{_certificate.CertPem}', or is malformed.", error);
    }

    [Fact]
    public async Task A_pem_certificate_without_a_key_is_exit_code_2_asking_for_tls_key()
    {
        var (code, error) = await RunAsync("--tls-cert", _certificate.CertPem);

        Assert.Equal(2, code);
        Assert.Equal($"error: --tls-key: the PEM certificate '{_certificate.CertPem}' needs its private key; give the key file with --tls-key.", error);
    }

    [Fact]
    public async Task A_key_file_that_holds_no_key_is_exit_code_2_naming_it()
    {
        var (code, error) = await RunAsync("--tls-cert", _certificate.CertPem, "--tls-key", _certificate.CertPem);

        Assert.Equal(2, code);
        Assert.Equal($"error: --tls-key: the file '{_certificate.CertPem}' holds no PEM private key (no '-----BEGIN PRIVATE KEY-----' block).", error);
    }

    [Fact]
    public async Task A_wrong_pfx_password_is_exit_code_2_without_the_password()
    {
        var wrong = "Wr0ng-pfx-password-never-shown";
        var settings = Path.Combine(_certificate.Folder, "settings.json");
        await File.WriteAllTextAsync(settings, $$"""{"tls_password": "{{wrong}}"}""");

        var (code, error) = await RunAsync("--tls-cert", _certificate.Pfx, "--settings", settings);
        var (missingCode, missingError) = await RunAsync("--tls-cert", _certificate.Pfx);

        Assert.Equal((2, 2), (code, missingCode));
        Assert.Equal($"error: --tls-cert: cannot open '{_certificate.Pfx}' as a PFX: it is neither a PEM certificate nor a PFX, or its password (FEATURESTORE_TLS_PASSWORD) is wrong.", error);
        Assert.EndsWith("(FEATURESTORE_TLS_PASSWORD) is missing.", missingError);
        Assert.DoesNotContain(wrong, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_encrypted_key_without_its_password_is_exit_code_2_naming_the_variable()
    {
        var (code, error) = await RunAsync("--tls-cert", _certificate.CertPem, "--tls-key", _certificate.EncryptedKeyPem);

        Assert.Equal(2, code);
        Assert.Equal($"error: --tls-key: the private key in '{_certificate.EncryptedKeyPem}' is encrypted; set its password in FEATURESTORE_TLS_PASSWORD.", error);
    }

    [Fact]
    public async Task A_key_without_a_certificate_is_exit_code_2()
    {
        var (code, error) = await RunAsync("--tls-key", _certificate.KeyPem);

        Assert.Equal(2, code);
        Assert.Equal("error: --tls-key is set but --tls-cert is not; give both to serve TLS.", error);
    }

    [Fact]
    public void The_tls_password_has_no_flag()
    {
        var error = Assert.Throws<FeatureStore.Core.Errors.UserInputException>(() =>
            FeatureStore.Server.Configuration.ServerArguments.Parse(["--tls-password", "x"], new Dictionary<string, string?>()));

        Assert.Equal("Unknown flag '--tls-password' (see --help).", error.Message);
        Assert.Contains("FEATURESTORE_TLS_PASSWORD", FeatureStore.Server.Configuration.ServerArguments.Usage);
    }

    /// <summary>Runs the server program as the command line would; returns the exit code and its one error line.</summary>
    private async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ServerProgram.RunAsync(
            ["--repo", _repository.Folder, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", .. args], output, error);
        var lines = error.ToString().TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"expected one error line, got: {error}");
        return (code, lines[0]);
    }
}
