using System.Net;
using System.Text.Json;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary><c>GET /health/ready</c>: 503 until a registry version is loaded (and while the store is down), then 200.</summary>
[Collection(RedisCollection.Name)]
public sealed class ReadinessTests(RedisFixture redis)
{
    [Fact]
    public async Task Ready_is_503_until_a_registry_version_is_applied_and_200_after()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString, apply: false);
        await using var server = await repository.StartServerAsync();

        var (before, beforeBody) = await GetAsync(server, "/health/ready");
        var (liveness, livenessBody) = await GetAsync(server, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before);
        Assert.Equal("not_ready", beforeBody.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", beforeBody.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
        Assert.Equal("Healthy", beforeBody.GetProperty("checks").GetProperty("online-store").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, liveness);
        Assert.Equal(JsonValueKind.Null, livenessBody.GetProperty("registry_version").ValueKind);

        await repository.ApplyAsync(repository.Definitions);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var (after, afterBody) = await GetAsync(server, "/health/ready");
        while (after != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            (after, afterBody) = await GetAsync(server, "/health/ready");
        }
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal("ready", afterBody.GetProperty("status").GetString());
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(ServingServer server, string path)
    {
        using var response = await server.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
