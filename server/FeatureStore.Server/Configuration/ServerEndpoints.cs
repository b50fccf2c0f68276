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
    private ListenOptions? _ui;

    internal void Attach(ListenOptions http, ListenOptions grpc, ListenOptions ui, bool tls)
    {
        _http = http;
        _grpc = grpc;
        _ui = ui;
        IsTls = tls;
    }

    /// <summary>True when every listener serves TLS (HTTPS, gRPC over TLS).</summary>
    public bool IsTls { get; private set; }

    /// <summary>The HTTP/1.1 listener (Feast-compatible API, /api/catalog, /health, /metrics).</summary>
    public IPEndPoint Http => _http?.IPEndPoint ?? throw new InvalidOperationException("The server has not been configured.");

    /// <summary>The gRPC listener (HTTP/2: h2c, or over TLS).</summary>
    public IPEndPoint Grpc => _grpc?.IPEndPoint ?? throw new InvalidOperationException("The server has not been configured.");

    /// <summary>The catalog pages' listener, on a port browsers open.</summary>
    public IPEndPoint Ui => _ui?.IPEndPoint ?? throw new InvalidOperationException("The server has not been configured.");

    public Uri HttpAddress => ToUri(Http);

    public Uri GrpcAddress => ToUri(Grpc);

    /// <summary>Where a browser on this machine opens the catalog.</summary>
    public Uri UiAddress => ToUri(Ui);

    /// <summary>True when a request arrived on the catalog pages' listener.</summary>
    internal bool IsUiPort(int localPort) => _ui?.IPEndPoint is { } ui && ui.Port == localPort;

    private Uri ToUri(IPEndPoint endPoint)
    {
        // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 or ::.
        var host = endPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : endPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : endPoint.Address;
        return new Uri($"{(IsTls ? "https" : "http")}://{new IPEndPoint(host, endPoint.Port)}");
    }
}
