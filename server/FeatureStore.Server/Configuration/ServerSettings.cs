using System.Globalization;
using System.Net;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// The server's settings: the single list behind the flags' switch mappings, the environment variable names, the
/// settings file keys, validation and <c>--help</c>.
/// </summary>
internal static class ServerSettings
{
    /// <summary>Environment variables named <c>FEATURESTORE_&lt;KEY&gt;</c> configure the server.</summary>
    public const string EnvironmentPrefix = "FEATURESTORE_";

    /// <summary>The settings file's key; it names the file, so it is read from flags and environment only.</summary>
    public const string SettingsFileKey = "settings";

    public static readonly IReadOnlyList<ServerSetting> All =
    [
        Text("settings", "--settings", "JSON settings file with any of the keys below (e.g. {\"http_port\": 7000, \"redis\": \"host:6379\"}); flags and environment variables override it",
            _ => null),
        Text("repo", "--repo", "feature repository folder holding featurestore.yaml (default: current folder)",
            o => o.RepositoryPath),
        Number("http_port", "--http-port", $"HTTP/1.1 port for the Feast-compatible API, /api/catalog, /health, /health/ready and /metrics (default {ServerOptions.DefaultHttpPort}; 0 = any free port)",
            0, 65535, o => o.HttpPort),
        Number("grpc_port", "--grpc-port", $"gRPC port, h2c or with --tls-cert TLS (default {ServerOptions.DefaultGrpcPort}; 0 = any free port)",
            0, 65535, o => o.GrpcPort),
        Number("ui_port", "--ui-port", $"port of the catalog pages for browsers (default {ServerOptions.DefaultUiPort}; 0 = any free port); GET / on the HTTP port redirects there",
            0, 65535, o => o.UiPort),
        new("bind", "--bind", EnvironmentPrefix + "BIND", "address every listener binds to (default 127.0.0.1; 0.0.0.0 for every interface: then use TLS and read tokens)",
            v => ParseAddress(v) is null ? $"'{v}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1)." : null, o => o.Bind),
        Text("redis", "--redis", "Redis connection string; overrides featurestore.yaml",
            o => o.RedisConnectionString),
        Number("max_entities", "--max-entities", $"largest number of entity rows per request (default {ServerOptions.DefaultMaxEntities})",
            1, int.MaxValue, o => o.MaxEntities),
        Number("store_timeout_ms", "--store-timeout-ms", "milliseconds an online store read may take before UNAVAILABLE (default 2000)",
            1, 3_600_000, o => o.StoreTimeoutMs),
        Number("registry_poll_ms", "--registry-poll-ms", "milliseconds between checks for a newly applied registry version (default 1000)",
            1, 3_600_000, o => o.RegistryPollMs),
        Number("health_probe_ms", "--health-probe-ms", "milliseconds between health checks of the online store and the registry (default 1000)",
            1, 3_600_000, o => o.HealthProbeMs),
        Switch("materialize_on_schedule", "--materialize-on-schedule", "run each view's scheduled materialization in this server, as 'featurestore worker' does (default false)",
            o => o.MaterializeOnSchedule),
        Number("max_push_rows", "--max-push-rows", $"largest number of rows per push or write-to-online-store request (default {ServerOptions.DefaultMaxPushRows})",
            1, int.MaxValue, o => o.MaxPushRows),
        Number("max_body_mb", "--max-body-mb", $"largest HTTP request body in MB, and largest gRPC request message (default {ServerOptions.DefaultMaxBodyMb})",
            1, 2047, o => o.MaxBodyMb),
        Secret("write_tokens", "comma-separated bearer tokens that may write (push, write-to-online-store, materialize); " +
            "without any, write endpoints accept loopback clients only. Environment or settings file only, never a flag"),
        Text("write_tokens_file", "--write-tokens-file", "file of write tokens, one per line ('#' comments and blank lines ignored)",
            o => o.WriteTokensFile),
        Secret("read_tokens", "comma-separated bearer tokens that may read (write tokens may read too); " +
            "without any, reads need no token. Environment or settings file only, never a flag"),
        Text("read_tokens_file", "--read-tokens-file", "file of read tokens, one per line",
            o => o.ReadTokensFile),
        Text("tls_cert", "--tls-cert", "certificate file for HTTPS and gRPC over TLS on every port: PEM (with --tls-key) or PFX/PKCS#12 " +
            "(password in FEATURESTORE_TLS_PASSWORD); without it, plain HTTP and h2c",
            o => o.TlsCertFile),
        Text("tls_key", "--tls-key", "PEM private key file of --tls-cert (may be encrypted: password in FEATURESTORE_TLS_PASSWORD)",
            o => o.TlsKeyFile),
        Secret("tls_password", "password of the --tls-cert PFX or of an encrypted --tls-key. Environment or settings file only, never a flag"),
        new("audit_on_schedule", "--audit-on-schedule", EnvironmentPrefix + "AUDIT_ON_SCHEDULE",
            "audit the served-feature logs of every logged feature service this often (e.g. 1h) and export the mismatch rates at /metrics (default: off)",
            Logging.AuditSchedule.Check, o => o.AuditOnSchedule),
        new("log_level", "--log-level", EnvironmentPrefix + "LOG_LEVEL", "lowest level logged: Trace, Debug, Information, Warning, Error, Critical or None (default Information)",
            v => Enum.TryParse<LogLevel>(v, ignoreCase: true, out var level) && Enum.IsDefined(level) && !int.TryParse(v, out _)
                ? null
                : $"'{v}' is not a log level (Trace, Debug, Information, Warning, Error, Critical, None).",
            o => o.LogLevel.ToString()),
    ];

    public static string Usage =>
        "usage: FeatureStore.Server [--flag value]...\n" +
        string.Join("\n", All.Select(s => $"  {s.Flag ?? "(no flag)",-20} {s.Help} [env {s.Environment}]")) + "\n" +
        "Precedence: built-in defaults < settings file < environment variables < flags.\n" +
        "Endpoints: GET /health (liveness, always 200), GET /health/ready (503 until the online store answers and a\n" +
        "registry version is loaded), GET /metrics, POST /get-online-features, /api/catalog/..., gRPC on the gRPC port;\n" +
        "the catalog pages on the UI port. With read tokens, lookups and the catalog need 'Authorization: Bearer <token>'\n" +
        "(gRPC: 'authorization' metadata; the pages: a sign-in form); /health, /health/ready and /metrics stay open.\n" +
        "Write endpoints (write tokens, or loopback clients when none are set): POST /push, POST /write-to-online-store,\n" +
        "POST /materialize, POST /materialize-incremental (?async=true answers 202).";

    public static ServerSetting? ByFlag(string flag) => All.FirstOrDefault(s => s.Flag == flag);

    public static ServerSetting? ByKey(string key) => All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>An IP address, or <c>localhost</c> for the IPv4 loopback; null when neither.</summary>
    public static IPAddress? ParseAddress(string text) =>
        text.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(text, out var address) ? address
        : null;

    private static ServerSetting Text(string key, string flag, string help, Func<ServerOptions, string?> read) =>
        new(key, flag, EnvironmentPrefix + key.ToUpperInvariant(), help, _ => null, read);

    /// <summary>A true/false setting whose flag alone means true.</summary>
    private static ServerSetting Switch(string key, string flag, string help, Func<ServerOptions, bool> read) =>
        new(key, flag, EnvironmentPrefix + key.ToUpperInvariant(), help,
            v => bool.TryParse(v, out _) ? null : $"'{v}' is not true or false.",
            o => read(o) ? "true" : "false",
            IsSwitch: true);

    /// <summary>A secret: no flag, and the value is never repeated in a message (its rules are checked where it is read).</summary>
    private static ServerSetting Secret(string key, string help) =>
        new(key, null, EnvironmentPrefix + key.ToUpperInvariant(), help, _ => null, _ => null);

    private static ServerSetting Number(string key, string flag, string help, int min, int max, Func<ServerOptions, int> read) =>
        new(key, flag, EnvironmentPrefix + key.ToUpperInvariant(), help,
            v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? null
                : $"'{v}' is not a whole number from {min} to {max}.",
            o => read(o).ToString(CultureInfo.InvariantCulture));
}
