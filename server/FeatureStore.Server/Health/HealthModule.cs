using System.Text.Json;
using System.Text.Json.Serialization;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Registry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FeatureStore.Server.Health;

/// <summary>
/// Health and discovery, on ASP.NET Core health checks: the online store's check (registered with the store) and
/// <see cref="RegistryHealthCheck"/> run every health probe interval and are published to gRPC health checking
/// (<c>grpc.health.v1</c>: the server <c>""</c> and <c>featurestore.v1.FeatureServing</c> are NOT_SERVING while the
/// store is unreachable) and to <see cref="ServerHealth"/>. <c>GET /health</c> is a liveness check: 200 from memory
/// whenever the process serves HTTP, reporting what it knows about the store and the registry. <c>GET /health/ready</c>
/// runs the checks tagged "ready" and answers 503 while the store is unreachable or no registry version is loaded.
/// Also gRPC server reflection, so grpcurl needs no proto files.
/// </summary>
internal sealed class HealthModule : IServerModule
{
    public const string ReadyTag = "ready";

    private static readonly string[] ServingServices = ["", "featurestore.v1.FeatureServing"];

    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.AddHealthChecks().AddCheck<RegistryHealthCheck>(RegistryHealthCheck.Name, tags: [ReadyTag]);
        services.AddGrpcHealthChecks(grpc =>
        {
            foreach (var service in ServingServices)
            {
                grpc.Services.Map(service, check => check.Name == ServerHealth.OnlineStoreCheck);
            }
            // Check and Watch answer from the last published report, as cheaply as any call can be answered.
            grpc.UseHealthChecksCache = true;
        });
        services.AddSingleton<ServerHealth>();
        services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<ServerHealth>());
        services.AddHostedService<InitialHealthReport>();
        // Every check runs on one schedule, so each published report holds all of them (the publisher service
        // reports each schedule separately). Per-check periods also allow intervals under the service's 1 s minimum.
        services.PostConfigure<HealthCheckServiceOptions>(checks =>
        {
            foreach (var registration in checks.Registrations)
            {
                registration.Delay = options.HealthProbeInterval;
                registration.Period = options.HealthProbeInterval;
            }
        });
        services.AddGrpcReflection();
    }

    public void Map(WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapGet("/health", (ServerHealth health, ActiveDefinitions active) => Results.Json(new HealthBody(
            "ok",
            health.IsStoreServing ? "SERVING" : "NOT_SERVING",
            active.Snapshot.Version?.Number)));
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
    }

    /// <summary><c>{"status": "ready"|"not_ready", "checks": {name: {"status", "description"}}}</c>.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var body = new ReadinessBody(
            report.Status == HealthStatus.Unhealthy ? "not_ready" : "ready",
            report.Entries.ToDictionary(e => e.Key, e => new CheckBody(e.Value.Status.ToString(), e.Value.Description)));
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    private sealed record HealthBody(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("online_store")] string OnlineStore,
        [property: JsonPropertyName("registry_version")] int? RegistryVersion);

    private sealed record ReadinessBody(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("checks")] Dictionary<string, CheckBody> Checks);

    private sealed record CheckBody(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("description")] string? Description);
}
