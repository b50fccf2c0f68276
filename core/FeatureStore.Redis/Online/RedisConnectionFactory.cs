using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// The one place that turns a user's connection string into StackExchange.Redis settings, for the CLI and the server
/// alike: bounded timeouts (unless the string sets its own), <c>abortConnect=false</c> so an unreachable Redis
/// reconnects by itself, and a fail-fast backlog so requests fail at once while it is down instead of queueing.
/// Accepts StackExchange.Redis strings (<c>host:port,password=...,ssl=true</c>) and <c>redis://</c> /
/// <c>rediss://</c> URLs (see <see cref="RedisUrl"/>). Errors and descriptions name endpoints only, never the string
/// (which may hold a password).
/// </summary>
public static class RedisConnectionFactory
{
    /// <summary>The settings for <paramref name="connectionString"/>; a malformed one is a <see cref="UserInputException"/>.</summary>
    public static ConfigurationOptions Configure(string connectionString, RedisOnlineStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connectionString);
        ConfigurationOptions configuration;
        if (RedisUrl.IsUrl(connectionString))
        {
            configuration = RedisUrl.Parse(connectionString);
        }
        else
        {
            try
            {
                configuration = ConfigurationOptions.Parse(connectionString);
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException($"The Redis connection string is not valid: {WithoutSecrets(ex.Message)}", ex);
            }
        }
        if (configuration.EndPoints.Count == 0)
        {
            throw new UserInputException("The Redis connection string names no server (expected host:port or a redis:// URL).");
        }
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        if (!Mentions(connectionString, "connectTimeout"))
        {
            configuration.ConnectTimeout = (int)Math.Ceiling(options.ConnectTimeout.TotalMilliseconds);
        }
        if (!Mentions(connectionString, "asyncTimeout"))
        {
            configuration.AsyncTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalMilliseconds);
        }
        if (!Mentions(connectionString, "syncTimeout"))
        {
            configuration.SyncTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalMilliseconds);
        }
        configuration.ClientName ??= options.ClientName;
        return configuration;
    }

    /// <summary>The error for credentials Redis refused: a configuration problem, named as such and without the password.</summary>
    public static UserInputException AuthenticationFailed(ConfigurationOptions configuration, Exception inner) =>
        new($"Redis at {Describe(configuration)} refused the credentials (authentication failed): check the user and password " +
             "of the connection string.", inner);

    /// <summary>The endpoints of a configuration as host:port, comma-separated.</summary>
    public static string Describe(ConfigurationOptions configuration) =>
        string.Join(",", configuration.EndPoints.Select(e => Format(e)));

    /// <summary>The endpoints of a connection as host:port, comma-separated.</summary>
    public static string Describe(IConnectionMultiplexer connection) =>
        string.Join(",", connection.GetEndPoints().Select(e => Format(e)));

    private static string Format(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        System.Net.IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "",
    };

    private static bool Mentions(string connectionString, string option) =>
        connectionString.Contains(option + "=", StringComparison.OrdinalIgnoreCase);

    /// <summary>StackExchange.Redis quotes the offending option; keep its name, drop any value.</summary>
    private static string WithoutSecrets(string message)
    {
        var equals = message.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? message : message[..equals] + "=...";
    }
}
