using System.Net;
using Microsoft.Extensions.Primitives;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Who may read and write, decided from the request's <c>Authorization: Bearer &lt;token&gt;</c> header and its peer
/// address:
/// <list type="bullet">
/// <item>Write: a write token. With no write token configured, loopback clients only (the quickstart keeps working);
/// any other client gets 403 saying how to enable writes.</item>
/// <item>Read: with read tokens configured, a read or a write token; otherwise anyone.</item>
/// </list>
/// A missing or unknown token is <see cref="UnauthenticatedException"/> (401), a token without the right
/// <see cref="AccessDeniedException"/> (403). Answers never say which tokens exist; tokens are never logged.
/// </summary>
public sealed class AccessPolicy(AccessTokens tokens)
{
    private const string Scheme = "Bearer ";

    public const string EnableWritesHint =
        "set FEATURESTORE_WRITE_TOKENS (comma-separated) or --write-tokens-file on the server, " +
        "and send 'Authorization: Bearer <token>'";

    public AccessTokens Tokens => tokens;

    /// <summary>Throws unless the request may have <paramref name="level"/> access.</summary>
    public void Demand(HttpContext context, AccessLevel level)
    {
        var header = context.Request.Headers.Authorization;
        if (level == AccessLevel.Read && !tokens.HasReadTokens)
        {
            return;
        }
        if (level == AccessLevel.Write && !tokens.HasWriteTokens)
        {
            if (IsLoopback(context.Connection.RemoteIpAddress))
            {
                return;
            }
            throw new AccessDeniedException(
                "Writes are accepted only from the server's own machine, because no write token is configured. " +
                $"To write from other machines, {EnableWritesHint}.");
        }
        if (!TryGetBearer(header, out var token))
        {
            throw new UnauthenticatedException(
                $"This endpoint needs {(level == AccessLevel.Write ? "a write" : "an access")} token: send 'Authorization: Bearer <token>'.");
        }
        var granted = tokens.Grant(token);
        if (granted is null)
        {
            throw new UnauthenticatedException("The bearer token is not accepted.");
        }
        if (level == AccessLevel.Write && granted != AccessLevel.Write)
        {
            throw new AccessDeniedException("The bearer token grants reads only; writing needs a write token.");
        }
    }

    private static bool TryGetBearer(StringValues header, out ReadOnlySpan<char> token)
    {
        token = default;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        token = value.AsSpan(Scheme.Length).Trim();
        return !token.IsEmpty;
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
