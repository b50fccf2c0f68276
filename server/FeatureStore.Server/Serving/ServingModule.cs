using FeatureStore.Server.Auth;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using FeatureStore.Server.GrpcApi;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Logging;
using FeatureStore.Server.Metrics;

namespace FeatureStore.Server.Serving;

/// <summary>
/// Online feature serving: the gRPC <c>FeatureServing</c> service and Feast's <c>POST /get-online-features</c>, both
/// reads (with read tokens configured, they need one).
/// </summary>
internal sealed class ServingModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options) => services.AddSingleton<OnlineServing>();

    public void Map(WebApplication app)
    {
        app.MapGrpcService<FeatureServingService>().RequireReadAccess();
        app.MapPost(GetOnlineFeaturesEndpoint.Path, (HttpContext context, OnlineServing serving, ServingMetrics metrics, ServedFeatureLogger log) =>
                GetOnlineFeaturesEndpoint.HandleAsync(context, serving, metrics, log))
            .WithMetadata(FeastErrorBody.Instance)
            .RequireReadAccess();
    }
}
