using System.Net;

namespace FeatureStore.Server.Hosting;

/// <summary>
/// The one warning a server reachable beyond its own machine gets at start when it lacks TLS, read tokens or both:
/// it still starts (a private network may be trusted), but the operator is told what is exposed and how to close it.
/// </summary>
internal static class ExposureWarning
{
    /// <summary>The warning, or null when the server listens on loopback only or has both TLS and read tokens.</summary>
    public static string? For(IPAddress bind, bool tls, bool readTokens)
    {
        if (IPAddress.IsLoopback(bind) || (tls && readTokens))
        {
            return null;
        }
        var where = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? $"every interface ({bind})" : bind.ToString();
        const string EnableTls = "give --tls-cert (with --tls-key, or a PFX with FEATURESTORE_TLS_PASSWORD)";
        const string EnableTokens = "set FEATURESTORE_READ_TOKENS or --read-tokens-file";
        return (tls, readTokens) switch
        {
            (false, false) =>
                $"Listening on {where} without TLS and without read tokens: anyone who can reach these ports reads every feature " +
                $"and the catalog, in clear text. To close this, {EnableTls} and {EnableTokens}; or bind 127.0.0.1.",
            (false, true) =>
                $"Listening on {where} without TLS: requests, answers and bearer tokens cross the network in clear text. " +
                $"To close this, {EnableTls}; or bind 127.0.0.1.",
            _ =>
                $"Listening on {where} without read tokens: anyone who can reach these ports reads every feature and the catalog. " +
                $"To close this, {EnableTokens}; or bind 127.0.0.1.",
        };
    }
}
