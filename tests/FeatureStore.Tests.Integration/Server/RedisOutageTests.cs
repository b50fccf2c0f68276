using System.Diagnostics;
using System.Net;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;

namespace FeatureStore.Tests.Server;

/// <summary>
/// Redis stopped while the server runs: requests fail fast as UNAVAILABLE / 503 (no hang), health reports
/// NOT_SERVING; when Redis is back the server serves again by itself, without a restart.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Redis_outage_gives_unavailable_quickly_and_serving_resumes_when_redis_returns()
    {
        await using var redis = await LocalRedisServer.StartAsync();
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
        await using var server = await repository.StartServerAsync("--store-timeout-ms", "1000", "--health-probe-ms", "200");
        var health = new Health.HealthClient(server.Channel);

        var before = await server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001));
        Assert.Equal("Ann", before["name", 0]);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        redis.Stop();

        var clock = Stopwatch.StartNew();
        var grpcError = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001)));
        Assert.Equal(StatusCode.Unavailable, grpcError.StatusCode);
        Assert.True(clock.Elapsed < Bound, $"UNAVAILABLE took {clock.Elapsed}");

        clock.Restart();
        var (httpStatus, body) = await server.PostAsync("""{"features": ["driver_profile:name"], "entities": {"driver_id": [1001]}}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, httpStatus);
        Assert.Equal("UNAVAILABLE", body.GetProperty("code").GetString());
        Assert.True(clock.Elapsed < Bound, $"503 took {clock.Elapsed}");

        await Eventually(async () =>
            (await health.CheckAsync(new HealthCheckRequest { Service = "featurestore.v1.FeatureServing" })).Status
            == HealthCheckResponse.Types.ServingStatus.NotServing, "health to report NOT_SERVING");
        var (ready, _) = await ReadinessTests.GetAsync(server, "/health/ready");
        var (liveness, livenessBody) = await ReadinessTests.GetAsync(server, "/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal(HttpStatusCode.OK, liveness);
        Assert.Equal("NOT_SERVING", livenessBody.GetProperty("online_store").GetString());

        await redis.RestartAsync();
        // The restarted Redis is empty (no persistence): write the row again once the writer's connection is back.
        await Eventually(async () =>
        {
            try
            {
                await repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
                return true;
            }
            catch (Exception ex) when (ex is FeatureStore.Core.Errors.StoreUnavailableException or StackExchange.Redis.RedisException)
            {
                return false;
            }
        }, "the test's writer to reconnect");

        await Eventually(async () =>
            (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            "health to report SERVING again");
        Assert.Equal(HttpStatusCode.OK, (await ReadinessTests.GetAsync(server, "/health/ready")).Status);
        var after = await server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001));
        Assert.Equal("Ann", after["name", 0]);
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
