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
/// <c>rediss://</c> URLs (see <see cref="RedisUrl"/>); a string listing several nodes of a Redis Cluster finds the
/// rest of it. <see cref="RedisOnlineStoreOptions.Password"/> replaces the string's password and
/// <see cref="RedisOnlineStoreOptions.TlsCaFile"/> names the CA the server's certificate must chain to. Errors and
/// descriptions name endpoints only, never the string (which may hold a password).
/// </summary>
public static class RedisConnectionFactory
{
    /// <summary>The CA each configuration validates with, to say why a handshake failed.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ConfigurationOptions, RedisCertificateAuthority> Authorities = new();

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
        if (!string.IsNullOrEmpty(options.Password))
        {
            configuration.Password = options.Password;
        }
        if (!string.IsNullOrWhiteSpace(options.TlsCaFile))
        {
            var authority = RedisCertificateAuthority.Load(options.TlsCaFile);
            configuration.Ssl = true;
            configuration.CertificateValidation += authority.Validate;
            Authorities.AddOrUpdate(configuration, authority);
        }
        // The tie-breaker key and the configuration channel serve several stand-alone primaries and clients that
        // broadcast reconfigurations; the store needs neither, and an ACL user limited to the project's keys and the
        // store's commands may use neither (its GET and SUBSCRIBE would fail the connection).
        configuration.TieBreaker = "";
        configuration.ConfigurationChannel = "";
        return configuration;
    }

    /// <summary>
    /// The error for a connection Redis refused during its handshake: a failed TLS handshake (the certificate, and
    /// why it was refused) or refused credentials. A configuration problem either way, named as such, without the password.
    /// </summary>
    public static UserInputException AuthenticationFailed(ConfigurationOptions configuration, Exception inner) =>
        new(DescribeHandshakeFailure(configuration, inner), inner);

    /// <summary>The message of <see cref="AuthenticationFailed"/>, also for the server's log.</summary>
    public static string DescribeHandshakeFailure(ConfigurationOptions configuration, Exception? failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Security.Authentication.AuthenticationException tls)
            {
                return Authorities.TryGetValue(configuration, out var authority) && authority.LastRefusal is { } reason
                    ? $"The TLS handshake with Redis at {Describe(configuration)} failed: the server's certificate {reason}. Give the " +
                      $"CA that signed it in {RedisCertificateAuthority.Settings}."
                    : $"The TLS handshake with Redis at {Describe(configuration)} failed: {tls.Message.TrimEnd('.')}. If a private CA signed the " +
                      $"server's certificate, give that CA in {RedisCertificateAuthority.Settings}.";
            }
        }
        return $"Redis at {Describe(configuration)} refused the credentials (authentication failed): check the user and password " +
               "of the connection string (or FEATURESTORE_REDIS_PASSWORD).";
    }

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
