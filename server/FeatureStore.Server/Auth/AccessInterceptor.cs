using Grpc.Core;
using Grpc.Core.Interceptors;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Checks gRPC methods whose endpoint carries <see cref="RequiresAccess"/> (from the service class or
/// <see cref="AccessEndpointExtensions"/>) before they run. Runs inside <see cref="Errors.ApiErrorInterceptor"/>,
/// which answers a refusal as UNAUTHENTICATED or PERMISSION_DENIED.
/// </summary>
internal sealed class AccessInterceptor(AccessPolicy policy) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresAccess>() is { } required)
        {
            policy.Demand(http, required.Level);
        }
    }
}
