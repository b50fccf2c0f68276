using FeatureStore.Server.Configuration;
using Grpc.AspNetCore.Server;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Bearer-token access control for every endpoint marked with <see cref="RequiresAccess"/>: the tokens (read once at
/// startup; a bad token or tokens file stops the server with a configuration error), the HTTP check and the gRPC
/// check. Endpoints opt in with <see cref="AccessEndpointExtensions"/>.
/// </summary>
internal sealed class AuthModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        var tokens = AccessTokens.Load(options);
        services.AddSingleton(tokens);
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<AccessInterceptor>();
        // Registered after the host's AddGrpc, so it runs inside the error interceptor, which maps its refusals.
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<AccessInterceptor>());
    }

    public void Map(WebApplication app)
    {
        app.UseMiddleware<AccessMiddleware>();
        var tokens = app.Services.GetRequiredService<AccessTokens>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (tokens.HasWriteTokens)
            {
                app.Logger.LogInformation("Writes need one of {Count} configured write tokens.", tokens.WriteTokenCount);
            }
            else
            {
                app.Logger.LogInformation("No write token is configured: write endpoints accept loopback clients only ({Hint}).", AccessPolicy.EnableWritesHint);
            }
            if (tokens.HasReadTokens)
            {
                app.Logger.LogInformation("Reads that require access need one of {Count} read tokens or a write token.", tokens.ReadTokenCount);
            }
        });
    }
}
