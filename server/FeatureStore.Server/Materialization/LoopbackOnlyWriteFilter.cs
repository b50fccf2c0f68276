using System.Net;
using FeatureStore.Server.Errors;
using Grpc.Core;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Write endpoints answer only clients on this machine (loopback) for now: a materialization changes what the
/// server serves. Stands in for the shared bearer-token write filter; <see cref="MaterializationModule"/> adds it
/// in one line, which is where that filter takes its place.
/// </summary>
internal sealed class LoopbackOnlyWriteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (IsLoopback(http.Connection.RemoteIpAddress))
        {
            return await next(context);
        }
        await ApiErrorMiddleware.WriteAsync(http, new ApiError(StatusCode.PermissionDenied, StatusCodes.Status403Forbidden, "Forbidden",
            $"{http.Request.Path} changes the online store and accepts only clients on the server's own machine (loopback)."));
        return Results.Empty;
    }

    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
