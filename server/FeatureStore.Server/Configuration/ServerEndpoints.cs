using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// The addresses the server actually listens on. With port 0 the operating system picks a port when the host
/// starts; Kestrel writes the bound endpoint back into its listen options, read here after start.
/// </summary>
public sealed class ServerEndpoints
{
    private ListenOptions? _http;
    private ListenOptions? _grpc;

    internal void Attach(ListenOptions http, ListenOptions grpc)
    {
        _http = http;
        _grpc = grpc;
    }

    /// <summary>The HTTP/1.1 listener (Feast-compatible API, /health, /metrics).</summary>
    public IPEndPoint Http => _http?.IPEndPoint ?? throw new InvalidOperationException("The server has not been configured.");

    /// <summary>The gRPC (h2c) listener.</summary>
    public IPEndPoint Grpc => _grpc?.IPEndPoint ?? throw new InvalidOperationException("The server has not been configured.");

    public Uri HttpAddress => ToUri(Http);

    public Uri GrpcAddress => ToUri(Grpc);

    private static Uri ToUri(IPEndPoint endPoint)
    {
        // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 or ::.
        var host = endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endPoint.Address;
        return new Uri($"http://{new IPEndPoint(host, endPoint.Port)}");
    }
}
