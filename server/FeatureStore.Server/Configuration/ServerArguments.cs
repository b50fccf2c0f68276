using System.Globalization;
using System.Net;
using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// Reads <see cref="ServerOptions"/> from command-line flags and environment variables (flags win). Kept apart from
/// the host so precedence can be tested without touching the process environment.
/// </summary>
public static class ServerArguments
{
    /// <summary>Flag name, environment variable (or null), description; the single list behind parsing and help.</summary>
    private static readonly (string Flag, string? Environment, string Help)[] Known =
    [
        ("--repo", "FEATURESTORE_REPO", "feature repository folder holding featurestore.yaml (default: current folder)"),
        ("--http-port", "FEATURESTORE_HTTP_PORT", $"HTTP/1.1 port for the Feast-compatible API, /health and /metrics (default {ServerOptions.DefaultHttpPort}; 0 = any free port)"),
        ("--grpc-port", "FEATURESTORE_GRPC_PORT", $"gRPC (h2c) port (default {ServerOptions.DefaultGrpcPort}; 0 = any free port)"),
        ("--bind", "FEATURESTORE_BIND", "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"),
        ("--redis", "FEATURESTORE_REDIS", "Redis connection string; overrides featurestore.yaml"),
        ("--max-entities", "FEATURESTORE_MAX_ENTITIES", $"largest number of entity rows per request (default {ServerOptions.DefaultMaxEntities})"),
        ("--store-timeout-ms", "FEATURESTORE_STORE_TIMEOUT_MS", "milliseconds an online store read may take before UNAVAILABLE (default 2000)"),
        ("--registry-poll-ms", "FEATURESTORE_REGISTRY_POLL_MS", "milliseconds between checks for a newly applied registry version (default 1000)"),
        ("--health-probe-ms", "FEATURESTORE_HEALTH_PROBE_MS", "milliseconds between Redis health probes (default 1000)"),
    ];

    public static string Usage =>
        "usage: FeatureStore.Server [--flag value]...\n" +
        string.Join("\n", Known.Select(k => $"  {k.Flag,-20} {k.Help}{(k.Environment is null ? "" : $" [env {k.Environment}]")}"));

    /// <summary>True when the arguments ask for help rather than a server.</summary>
    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>
    /// Parses flags (<c>--name value</c> or <c>--name=value</c>) over environment variables over defaults. Unknown
    /// flags and bad values throw <see cref="UserInputException"/> naming the flag or variable.
    /// </summary>
    public static ServerOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
    {
        var values = new Dictionary<string, (string Value, string Origin)>(StringComparer.Ordinal);
        foreach (var (flag, variable, _) in Known)
        {
            if (variable is not null && environment.TryGetValue(variable, out var fromEnvironment) && !string.IsNullOrWhiteSpace(fromEnvironment))
            {
                values[flag] = (fromEnvironment.Trim(), $"environment variable {variable}");
            }
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string flag;
            string value;
            var equals = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                flag = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                flag = arg;
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw Known.Any(k => k.Flag == flag)
                        ? new UserInputException($"Flag {flag} needs a value.")
                        : new UserInputException($"Unknown argument '{arg}'.\n{Usage}");
                }
                value = args[++i];
            }
            if (!Known.Any(k => k.Flag == flag))
            {
                throw new UserInputException($"Unknown flag '{flag}'.\n{Usage}");
            }
            values[flag] = (value, $"flag {flag}");
        }

        var options = new ServerOptions { RepositoryPath = Path.GetFullPath(Get("--repo") ?? ".") };
        return options with
        {
            HttpPort = Port("--http-port") ?? options.HttpPort,
            GrpcPort = Port("--grpc-port") ?? options.GrpcPort,
            BindAddress = Address("--bind") ?? options.BindAddress,
            RedisConnectionString = Get("--redis"),
            MaxEntities = Number("--max-entities", 1, int.MaxValue) ?? options.MaxEntities,
            StoreTimeout = Milliseconds("--store-timeout-ms") ?? options.StoreTimeout,
            RegistryPollInterval = Milliseconds("--registry-poll-ms") ?? options.RegistryPollInterval,
            HealthProbeInterval = Milliseconds("--health-probe-ms") ?? options.HealthProbeInterval,
        };

        string? Get(string flag) => values.TryGetValue(flag, out var v) ? v.Value : null;

        int? Number(string flag, int min, int max)
        {
            if (!values.TryGetValue(flag, out var v))
            {
                return null;
            }
            if (!int.TryParse(v.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                throw new UserInputException($"{v.Origin}: '{v.Value}' is not a whole number from {min} to {max}.");
            }
            return n;
        }

        int? Port(string flag) => Number(flag, 0, 65535);

        TimeSpan? Milliseconds(string flag) => Number(flag, 1, 3_600_000) is { } ms ? TimeSpan.FromMilliseconds(ms) : null;

        IPAddress? Address(string flag)
        {
            if (!values.TryGetValue(flag, out var v))
            {
                return null;
            }
            if (v.Value.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return IPAddress.Loopback;
            }
            return IPAddress.TryParse(v.Value, out var address)
                ? address
                : throw new UserInputException($"{v.Origin}: '{v.Value}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1).");
        }
    }

    /// <summary>The process environment as the dictionary <see cref="Parse"/> takes.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Known.Where(k => k.Environment is not null)
            .ToDictionary(k => k.Environment!, k => Environment.GetEnvironmentVariable(k.Environment!), StringComparer.Ordinal);
}
