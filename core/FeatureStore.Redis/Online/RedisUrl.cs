using System.Globalization;
using FeatureStore.Core.Errors;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Reads Redis URLs as redis-cli and the Redis client libraries write them:
/// <c>redis[s]://[[user]:password@]host[:port][/database]</c>. <c>rediss</c> means TLS. A user info without a colon
/// is a user name (as redis-py reads it); user and password are percent-decoded. Errors never repeat the URL.
/// </summary>
internal static class RedisUrl
{
    private const int DefaultPort = 6379;

    public static bool IsUrl(string text) =>
        text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);

    public static ConfigurationOptions Parse(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new UserInputException("The Redis URL is not valid: expected redis://[[user]:password@]host[:port][/database].");
        }
        var configuration = new ConfigurationOptions();
        configuration.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            configuration.User = user.Length == 0 ? null : user;
            if (colon >= 0)
            {
                configuration.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database) || database > 15_999)
            {
                throw new UserInputException($"The Redis URL's database '/{path}' is not a database number.");
            }
            configuration.DefaultDatabase = database;
        }
        if (uri.Query.Length > 1)
        {
            var name = uri.Query[1..].Split('&')[0].Split('=')[0];
            throw new UserInputException(
                $"The Redis URL has a query option '{Uri.UnescapeDataString(name)}', which is not supported; " +
                "use a StackExchange.Redis connection string (host:port,option=value) for other options.");
        }
        if (string.Equals(uri.Scheme, "rediss", StringComparison.OrdinalIgnoreCase))
        {
            configuration.Ssl = true;
            configuration.SslHost = uri.Host;
        }
        return configuration;
    }
}
