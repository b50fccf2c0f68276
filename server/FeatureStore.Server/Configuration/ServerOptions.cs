using System.Net;
using Microsoft.Extensions.Configuration;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// Everything the server needs to start, bound from configuration (see <see cref="ServerSettings"/>: settings file,
/// then <c>FEATURESTORE_*</c> environment variables, then flags) with the keys named on each property. Consumers
/// take it as <c>IOptions&lt;ServerOptions&gt;</c>.
/// </summary>
public sealed class ServerOptions
{
    public const int DefaultHttpPort = 6566;
    public const int DefaultGrpcPort = 6570;

    /// <summary>Feast's UI port: browsers open it, unlike 6566, which Chromium and Firefox refuse as unsafe.</summary>
    public const int DefaultUiPort = 8888;
    public const int DefaultMaxEntities = 10_000;
    public const int DefaultMaxPushRows = 10_000;
    public const int DefaultMaxBodyMb = 16;

    /// <summary>The feature repository folder holding <c>featurestore.yaml</c>.</summary>
    [ConfigurationKeyName("repo")]
    public string RepositoryPath { get; set; } = ".";

    /// <summary>HTTP/1.1 port (Feast's); 0 picks a free port, see <see cref="ServerEndpoints"/>.</summary>
    [ConfigurationKeyName("http_port")]
    public int HttpPort { get; set; } = DefaultHttpPort;

    /// <summary>gRPC (HTTP/2 without TLS) port; 0 picks a free port.</summary>
    [ConfigurationKeyName("grpc_port")]
    public int GrpcPort { get; set; } = DefaultGrpcPort;

    /// <summary>Port of the catalog pages (HTML for browsers); 0 picks a free port.</summary>
    [ConfigurationKeyName("ui_port")]
    public int UiPort { get; set; } = DefaultUiPort;

    /// <summary>Address every listener binds to, as written (an IP address or <c>localhost</c>).</summary>
    [ConfigurationKeyName("bind")]
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Overrides the Redis connection string of <c>featurestore.yaml</c>.</summary>
    [ConfigurationKeyName("redis")]
    public string? RedisConnectionString { get; set; }

    /// <summary>Requests with more entity rows than this are rejected as INVALID_ARGUMENT.</summary>
    [ConfigurationKeyName("max_entities")]
    public int MaxEntities { get; set; } = DefaultMaxEntities;

    /// <summary>Milliseconds one online store read may take before the request fails as UNAVAILABLE.</summary>
    [ConfigurationKeyName("store_timeout_ms")]
    public int StoreTimeoutMs { get; set; } = 2000;

    /// <summary>Milliseconds between polls of the registry for a newly applied version.</summary>
    [ConfigurationKeyName("registry_poll_ms")]
    public int RegistryPollMs { get; set; } = 1000;

    /// <summary>Milliseconds between runs of the health checks (online store, registry).</summary>
    [ConfigurationKeyName("health_probe_ms")]
    public int HealthProbeMs { get; set; } = 1000;

    /// <summary>Run scheduled materialization in this server (as <c>featurestore worker</c> does).</summary>
    [ConfigurationKeyName("materialize_on_schedule")]
    public bool MaterializeOnSchedule { get; set; }

    /// <summary>Push and write-to-online-store requests with more rows than this are rejected as INVALID_ARGUMENT.</summary>
    [ConfigurationKeyName("max_push_rows")]
    public int MaxPushRows { get; set; } = DefaultMaxPushRows;

    /// <summary>Largest HTTP request body and gRPC request message, in MB; larger HTTP bodies are answered 413.</summary>
    [ConfigurationKeyName("max_body_mb")]
    public int MaxBodyMb { get; set; } = DefaultMaxBodyMb;

    /// <summary>Comma-separated write tokens (<c>FEATURESTORE_WRITE_TOKENS</c>); never logged.</summary>
    [ConfigurationKeyName("write_tokens")]
    public string? WriteTokens { get; set; }

    /// <summary>A file of write tokens, one per line.</summary>
    [ConfigurationKeyName("write_tokens_file")]
    public string? WriteTokensFile { get; set; }

    /// <summary>Comma-separated read tokens (<c>FEATURESTORE_READ_TOKENS</c>); never logged.</summary>
    [ConfigurationKeyName("read_tokens")]
    public string? ReadTokens { get; set; }

    /// <summary>A file of read tokens, one per line.</summary>
    [ConfigurationKeyName("read_tokens_file")]
    public string? ReadTokensFile { get; set; }

    /// <summary>Certificate for HTTPS and gRPC over TLS: a PEM file (key in <see cref="TlsKeyFile"/>) or a PFX.</summary>
    [ConfigurationKeyName("tls_cert")]
    public string? TlsCertFile { get; set; }

    /// <summary>The PEM private key of <see cref="TlsCertFile"/>.</summary>
    [ConfigurationKeyName("tls_key")]
    public string? TlsKeyFile { get; set; }

    /// <summary>Password of a PFX or of an encrypted PEM key (<c>FEATURESTORE_TLS_PASSWORD</c>); never logged.</summary>
    [ConfigurationKeyName("tls_password")]
    public string? TlsPassword { get; set; }

    /// <summary>How often to audit the served-feature logs (e.g. <c>1h</c>); null: never.</summary>
    [ConfigurationKeyName("audit_on_schedule")]
    public string? AuditOnSchedule { get; set; }

    /// <summary>The lowest level logged.</summary>
    [ConfigurationKeyName("log_level")]
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary><see cref="Bind"/> as an address; <c>localhost</c> is the IPv4 loopback.</summary>
    public IPAddress BindAddress => ServerSettings.ParseAddress(Bind)
        ?? throw new InvalidOperationException($"'{Bind}' is not an IP address; validate the options first.");

    public long MaxBodyBytes => MaxBodyMb * 1024L * 1024L;

    public TimeSpan StoreTimeout => TimeSpan.FromMilliseconds(StoreTimeoutMs);

    public TimeSpan RegistryPollInterval => TimeSpan.FromMilliseconds(RegistryPollMs);

    public TimeSpan HealthProbeInterval => TimeSpan.FromMilliseconds(HealthProbeMs);
}
