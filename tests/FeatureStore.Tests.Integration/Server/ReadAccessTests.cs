using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeatureStore.Client;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;

namespace FeatureStore.Tests.Server;

/// <summary>
/// Read tokens (<c>FEATURESTORE_READ_TOKENS</c>, <c>--read-tokens-file</c>): once set, lookups and the catalog need
/// <c>Authorization: Bearer</c> with a read or a write token, over HTTP and gRPC; health and metrics stay open; a
/// refusal says nothing about which tokens exist, and no token reaches the log.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ReadAccessTests(RedisFixture redis) : IAsyncLifetime
{
    private const string ReadToken = "r-0123456789abcdef-reader";
    private const string WriteToken = "w-0123456789abcdef-writer";
    private const string Lookup = """{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}""";

    private readonly CapturedLog _log = new();
    private ServingRepository _repository = null!;
    private ServingServer _server = null!;
    private string _readTokensFile = "";

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await ServingTestData.WriteAsync(_repository);
        _readTokensFile = Path.Combine(_repository.Folder, "read-tokens");
        await File.WriteAllLinesAsync(_readTokensFile, ["# readers", ReadToken]);
        _server = await _repository.StartServerAsync(
            new Dictionary<string, string?> { ["FEATURESTORE_WRITE_TOKENS"] = WriteToken }, _log, "--read-tokens-file", _readTokensFile);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _repository.DisposeAsync();
    }

    [Fact]
    public async Task Http_lookup_without_a_token_or_with_a_wrong_one_is_401_and_with_a_read_or_write_token_200()
    {
        var (none, noneBody, noneChallenge) = await PostLookupAsync(null);
        var (wrong, wrongBody, _) = await PostLookupAsync(ReadToken + "x");
        var (read, readBody, _) = await PostLookupAsync(ReadToken);
        var (write, writeBody, _) = await PostLookupAsync(WriteToken);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none, wrong));
        Assert.Equal("UNAUTHENTICATED", noneBody.GetProperty("code").GetString());
        Assert.Equal("Bearer", noneChallenge);
        Assert.Equal("The bearer token is not accepted.", wrongBody.GetProperty("detail").GetString());
        Assert.True(read == HttpStatusCode.OK, readBody.ToString());
        Assert.Equal(0.5, readBody.GetProperty("results")[1].GetProperty("values")[0].GetDouble());
        Assert.True(write == HttpStatusCode.OK, writeBody.ToString());
        AssertNoToken(noneBody.ToString() + wrongBody);
    }

    [Fact]
    public async Task Grpc_lookup_needs_the_authorization_metadata_with_a_read_or_write_token()
    {
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => _server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate"], ServingTestData.Drivers(1001)));
        using var wrong = new FeatureStoreClient(_server.Channel, WriteToken + "x");
        var refused = await Assert.ThrowsAsync<RpcException>(() => wrong.GetOnlineFeaturesAsync(["driver_hourly_stats:conv_rate"], ServingTestData.Drivers(1001)));
        using var reader = new FeatureStoreClient(_server.Channel, ReadToken);
        using var writer = new FeatureStoreClient(_server.Channel, WriteToken);

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        AssertNoToken(anonymous.Status.Detail + refused.Status.Detail);
        Assert.Equal(0.5, Convert.ToDouble((await reader.GetOnlineFeaturesAsync(["driver_hourly_stats:conv_rate"], ServingTestData.Drivers(1001)))["conv_rate", 0]));
        Assert.Equal(0.5, Convert.ToDouble((await writer.GetOnlineFeaturesAsync(["driver_hourly_stats:conv_rate"], ServingTestData.Drivers(1001)))["conv_rate", 0]));
    }

    [Fact]
    public async Task Catalog_json_and_grpc_need_a_read_token()
    {
        using var anonymous = await _server.Http.GetAsync("/api/catalog/feature-views");
        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/feature-views");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadToken);
        using var allowed = await _server.Http.SendAsync(withToken);
        var catalog = new FeatureStore.Protos.V1.Catalog.CatalogClient(_server.Channel);
        var refused = await Assert.ThrowsAsync<RpcException>(() => catalog.ListFeatureViewsAsync(new ListFeatureViewsRequest()).ResponseAsync);
        var views = await catalog.ListFeatureViewsAsync(new ListFeatureViewsRequest(), new Metadata { { "authorization", "Bearer " + WriteToken } });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("driver_hourly_stats", await allowed.Content.ReadAsStringAsync());
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains(views.FeatureViews, v => v.Name == "driver_hourly_stats");
    }

    [Fact]
    public async Task Health_readiness_metrics_and_grpc_health_stay_open()
    {
        using var health = await _server.Http.GetAsync("/health");
        using var ready = await _server.Http.GetAsync("/health/ready");
        using var metrics = await _server.Http.GetAsync("/metrics");
        var grpcHealth = await new Health.HealthClient(_server.Channel).CheckAsync(new HealthCheckRequest { Service = "featurestore.v1.FeatureServing" });

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, grpcHealth.Status);
        AssertNoToken(await metrics.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_token_reaches_the_log_and_the_log_counts_the_tokens()
    {
        await PostLookupAsync(ReadToken + "x");
        await PostLookupAsync(ReadToken);
        await PostLookupAsync(WriteToken);

        AssertNoToken(_log.Text);
        Assert.Contains(_log.Entries, e => e.Message.Contains("need one of 1 read tokens or a write token", StringComparison.Ordinal));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string? Challenge)> PostLookupAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/get-online-features")
        {
            Content = new StringContent(Lookup, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _server.Http.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone(), response.Headers.WwwAuthenticate.FirstOrDefault()?.Scheme);
    }

    private static void AssertNoToken(string text)
    {
        Assert.DoesNotContain(ReadToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(WriteToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", text, StringComparison.Ordinal);
    }
}
