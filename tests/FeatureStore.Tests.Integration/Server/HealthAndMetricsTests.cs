using System.Net;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace FeatureStore.Tests.Server;

/// <summary>Listeners, gRPC health and reflection, and Prometheus metrics of the running server.</summary>
[Collection(RedisCollection.Name)]
public sealed class HealthAndMetricsTests(RedisFixture redis) : IAsyncLifetime
{
    private ServingRepository _repository = null!;
    private ServingServer _server = null!;

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await _repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
        _server = await _repository.StartServerAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _repository.DisposeAsync();
    }

    [Fact]
    public void Port_zero_binds_free_loopback_ports_that_are_discoverable()
    {
        Assert.Equal(IPAddress.Loopback, _server.Endpoints.Http.Address);
        Assert.Equal(IPAddress.Loopback, _server.Endpoints.Grpc.Address);
        Assert.NotEqual(0, _server.Endpoints.Http.Port);
        Assert.NotEqual(0, _server.Endpoints.Grpc.Port);
        Assert.NotEqual(_server.Endpoints.Http.Port, _server.Endpoints.Grpc.Port);
    }

    [Fact]
    public async Task Grpc_health_reports_serving_for_the_server_and_the_feature_service()
    {
        var health = new Health.HealthClient(_server.Channel);

        var server = await health.CheckAsync(new HealthCheckRequest());
        var serving = await health.CheckAsync(new HealthCheckRequest { Service = "featurestore.v1.FeatureServing" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, server.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serving.Status);
    }

    [Fact]
    public async Task Server_reflection_lists_the_services_so_grpcurl_needs_no_protos()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_server.Channel);
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "featurestore.v1.FeatureServing" });
        await call.RequestStream.CompleteAsync();
        var responses = new List<ServerReflectionResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            responses.Add(response);
        }

        var services = responses[0].ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("featurestore.v1.FeatureServing", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var files = responses[1].FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes)).ToArray();
        Assert.Contains(files, f => f.Service.Any(s => s.Name == "FeatureServing" && s.Method.Any(m => m.Name == "GetOnlineFeatures")));
    }

    [Fact]
    public async Task Metrics_count_requests_per_transport_method_and_status_with_latency()
    {
        await _server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001));
        await Assert.ThrowsAsync<RpcException>(() =>
            _server.Client.GetOnlineFeaturesAsync(["driver_profile:unknown"], ServingTestData.Drivers(1001)));
        await _server.PostAsync("""{"features": ["driver_profile:name"], "entities": {"driver_id": [1001]}}""");

        using var response = await _server.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("featurestore_requests_total{transport=\"grpc\",method=\"GetOnlineFeatures\",status=\"OK\"} 1", text);
        Assert.Contains("featurestore_requests_total{transport=\"grpc\",method=\"GetOnlineFeatures\",status=\"NOT_FOUND\"} 1", text);
        Assert.Contains("featurestore_requests_total{transport=\"http\",method=\"get-online-features\",status=\"OK\"} 1", text);
        Assert.Contains("featurestore_request_duration_seconds_bucket{transport=\"grpc\",method=\"GetOnlineFeatures\",status=\"OK\",le=\"0.001\"}", text);
        Assert.Contains("featurestore_online_store_read_seconds_count 2", text);
        Assert.Contains("featurestore_online_store_up 1", text);
        Assert.Contains("featurestore_registry_version 1", text);
    }
}
