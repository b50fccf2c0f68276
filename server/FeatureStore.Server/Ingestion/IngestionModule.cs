using FeatureStore.Core.Offline;
using FeatureStore.DuckDb;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using Grpc.AspNetCore.Server;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Writing fresh values: Feast's <c>POST /push</c> and <c>POST /write-to-online-store</c> and the gRPC
/// <c>FeatureIngestion</c> service, all needing write access (<see cref="AccessEndpointExtensions.RequireWriteAccess{TBuilder}"/>).
/// </summary>
internal sealed class IngestionModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton<IBatchSourceAppender>(new DuckDbBatchSourceAppender());
        services.AddSingleton<PushService>();
        // A push of --max-push-rows rows may exceed gRPC's default 4 MB message; the HTTP body limit applies to both.
        services.Configure<GrpcServiceOptions>(grpc => grpc.MaxReceiveMessageSize = (int)Math.Min(options.MaxBodyBytes, int.MaxValue));
    }

    public void Map(WebApplication app)
    {
        app.MapGrpcService<IngestionGrpcService>().RequireWriteAccess();
        app.MapPost(PushEndpoints.PushPath, PushEndpoints.PushAsync)
            .WithMetadata(FeastErrorBody.Instance)
            .RequireWriteAccess();
        app.MapPost(PushEndpoints.WriteToOnlineStorePath, PushEndpoints.WriteToOnlineStoreAsync)
            .WithMetadata(FeastErrorBody.Instance)
            .RequireWriteAccess();
    }
}
