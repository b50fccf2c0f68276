using FeatureStore.Server.Configuration;
using FeatureStore.Server.Registry;

namespace FeatureStore.Server.Metrics;

/// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
internal sealed class MetricsModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options) => services.AddSingleton<ServingMetrics>();

    public void Map(WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ServingMetrics>();
        var active = app.Services.GetRequiredService<ActiveDefinitions>();
        metrics.SetRegistryVersion(active.Snapshot.Version?.Number ?? 0);
        active.Changed += version => metrics.SetRegistryVersion(version.Number);

        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
    }
}
