using FeatureStore.Server.Auth;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using FeatureStore.DuckDb;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Materialization in the server: Feast's <c>POST /materialize</c> and <c>POST /materialize-incremental</c> on the
/// HTTP port (write endpoints, loopback clients only for now), per-view materialization metrics, and with
/// <c>--materialize-on-schedule</c> the scheduled runs of <c>featurestore worker</c>.
/// </summary>
internal sealed class MaterializationModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOfflineStore>(sp => new DuckDbOfflineStore(logger: sp.GetRequiredService<ILogger<DuckDbOfflineStore>>()));
        services.AddSingleton(sp => new MaterializationEngine(
            sp.GetRequiredService<IOnlineStore>(), sp.GetRequiredService<IOfflineStore>(), sp.GetRequiredService<IRegistry>(),
            sp.GetRequiredService<ILogger<MaterializationEngine>>(), new MaterializationOptions(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<MaterializationMetrics>();
        services.AddSingleton<ServerMaterialization>();
        services.AddHostedService(sp => sp.GetRequiredService<ServerMaterialization>());
        if (options.MaterializeOnSchedule)
        {
            services.AddHostedService<ScheduledMaterializationService>();
        }
    }

    public void Map(WebApplication app)
    {
        // Created now, so /metrics has the per-view series from the first scrape.
        app.Services.GetRequiredService<MaterializationMetrics>();
        Map(app, MaterializeEndpoints.MaterializePath, incremental: false);
        Map(app, MaterializeEndpoints.IncrementalPath, incremental: true);
    }

    private static void Map(WebApplication app, string path, bool incremental) =>
        app.MapPost(path, (HttpContext context, ServerMaterialization materialization) =>
                MaterializeEndpoints.HandleAsync(context, materialization, incremental))
            .WithMetadata(FeastErrorBody.Instance)
            .RequireWriteAccess();
}
