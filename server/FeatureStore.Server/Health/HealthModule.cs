using FeatureStore.Server.Configuration;
using FeatureStore.Server.OnlineStore;
using FeatureStore.Server.Registry;
using Grpc.HealthCheck;

namespace FeatureStore.Server.Health;

/// <summary>
/// Health and discovery: gRPC health checking (<c>grpc.health.v1</c>, NOT_SERVING while Redis is unreachable), gRPC
/// server reflection (so grpcurl needs no proto files) and <c>GET /health</c>. <c>/health</c> is a liveness check:
/// it answers 200 from memory whenever the process serves HTTP, and reports what it knows about Redis and the registry.
/// </summary>
internal sealed class HealthModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        // A singleton, so the status set by the probe is the one every Check and Watch call sees.
        services.AddSingleton<HealthServiceImpl>();
        services.AddSingleton<OnlineStoreHealth>();
        services.AddHostedService(sp => sp.GetRequiredService<OnlineStoreHealth>());
        services.AddGrpcReflection();
    }

    public void Map(WebApplication app)
    {
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        app.MapGet("/health", (OnlineStoreHealth health, ActiveDefinitions active) => Results.Json(new HealthReport(
            "ok",
            health.IsServing ? "SERVING" : "NOT_SERVING",
            active.Snapshot.Version?.Number)));
    }

    private sealed record HealthReport(
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("online_store")] string OnlineStore,
        [property: System.Text.Json.Serialization.JsonPropertyName("registry_version")] int? RegistryVersion);
}
