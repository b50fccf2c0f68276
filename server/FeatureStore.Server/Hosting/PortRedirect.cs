using System.Net;

namespace FeatureStore.Server.Hosting;

/// <summary>
/// The address of the same path on another of the server's ports, for a request that came to the wrong one (a catalog
/// page asked of the HTTP port, the JSON API of the UI port). It keeps the host the client used (a name, an address,
/// whatever reached this server) and the scheme, which every listener shares.
/// </summary>
internal static class PortRedirect
{
    public static string To(HttpContext context, int port)
    {
        var request = context.Request;
        var dialled = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        // HostString.Host drops the port and brackets an IPv6 address; without a Host header, the address dialled.
        var host = request.Host.HasValue ? request.Host.Host
            : dialled.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{dialled}]"
            : dialled.ToString();
        return $"{request.Scheme}://{host}:{port}{request.PathBase}{request.Path}{request.QueryString}";
    }
}
