using System.Net;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;

namespace FeatureStore.Tests.Server;

/// <summary>A running server picks up each newly applied registry version, and serves only what it contains.</summary>
[Collection(RedisCollection.Name)]
public sealed class HotReloadTests(RedisFixture redis)
{
    [Fact]
    public async Task New_view_is_served_after_apply_without_restart()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await using var server = await repository.StartServerAsync();
        var notYet = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.GetOnlineFeaturesAsync(["driver_rewards:points"], ServingTestData.Drivers(1001)));
        Assert.Equal(StatusCode.NotFound, notYet.StatusCode);

        await repository.ApplyAsync(ServingDefinitions.WithExtraView(repository.Definitions));
        await repository.WriteAsync("driver_rewards", 1001L, [250L], ServingTestData.Fresh);

        var result = await Eventually(async () =>
        {
            try
            {
                return await server.Client.GetOnlineFeaturesAsync(["driver_rewards:points"], ServingTestData.Drivers(1001));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        });
        Assert.Equal(250L, result["points", 0]);
        Assert.Equal(FieldStatus.Present, result.Status("points", 0));
    }

    [Fact]
    public async Task Removed_view_is_no_longer_served_after_apply()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await repository.WriteAsync("device_stats", new byte[] { 1 }, [0.5], ServingTestData.Fresh);
        await using var server = await repository.StartServerAsync();
        const string body = """{"features": ["device_stats:score"], "entities": {"device_hash": ["AQ=="]}}""";
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(body)).Status);

        await repository.ApplyAsync(ServingDefinitions.Without(repository.Definitions, "device_stats"));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var (status, answer) = await server.PostAsync(body);
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            (status, answer) = await server.PostAsync(body);
        }
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("device_stats", answer.GetProperty("detail").GetString());
        using var health = await server.Http.GetAsync("/health");
        Assert.Contains("\"registry_version\":2", await health.Content.ReadAsStringAsync());
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> attempt)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (await attempt() is { } result)
            {
                return result;
            }
            Assert.True(DateTime.UtcNow < deadline, "The server did not pick up the applied registry version within 15 s.");
            await Task.Delay(100);
        }
    }
}
