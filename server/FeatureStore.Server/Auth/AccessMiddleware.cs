using Grpc.AspNetCore.Server;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Checks HTTP endpoints marked with <see cref="RequiresAccess"/> before they run (and before their body is read).
/// A refusal is thrown, so <see cref="Errors.ApiErrorMiddleware"/> answers it in the endpoint's error shape.
/// gRPC endpoints are left to <see cref="AccessInterceptor"/>, which answers in gRPC's.
/// </summary>
internal sealed class AccessMiddleware(RequestDelegate next, AccessPolicy policy)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata is { } metadata
            && metadata.GetMetadata<RequiresAccess>() is { } required
            && metadata.GetMetadata<GrpcMethodMetadata>() is null)
        {
            policy.Demand(context, required.Level);
        }
        return next(context);
    }
}
