using System.Net;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// Everything the server needs to start, after merging (lowest to highest precedence) built-in defaults,
/// <c>featurestore.yaml</c> (Redis connection), environment variables and command-line flags.
/// </summary>
public sealed record ServerOptions
{
    public const int DefaultHttpPort = 6566;
    public const int DefaultGrpcPort = 6570;
    public const int DefaultMaxEntities = 10_000;

    /// <summary>The feature repository folder holding <c>featurestore.yaml</c>.</summary>
    public required string RepositoryPath { get; init; }

    /// <summary>HTTP/1.1 port (Feast's); 0 picks a free port, see <see cref="ServerEndpoints"/>.</summary>
    public int HttpPort { get; init; } = DefaultHttpPort;

    /// <summary>gRPC (HTTP/2 without TLS) port; 0 picks a free port.</summary>
    public int GrpcPort { get; init; } = DefaultGrpcPort;

    /// <summary>Address both listeners bind to; loopback unless told otherwise.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Overrides the Redis connection string of <c>featurestore.yaml</c> (and FEATURESTORE_REDIS when from a flag).</summary>
    public string? RedisConnectionString { get; init; }

    /// <summary>Requests with more entity rows than this are rejected as INVALID_ARGUMENT.</summary>
    public int MaxEntities { get; init; } = DefaultMaxEntities;

    /// <summary>How long one online store read may take before the request fails as UNAVAILABLE.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the registry is polled for a newly applied version.</summary>
    public TimeSpan RegistryPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often Redis is pinged for the health status.</summary>
    public TimeSpan HealthProbeInterval { get; init; } = TimeSpan.FromSeconds(1);
}
