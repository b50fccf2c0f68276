using System.Net;
using Microsoft.Extensions.Primitives;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Who may read and write, decided from the request's <c>Authorization: Bearer &lt;token&gt;</c> header and its peer
/// address:
/// <list type="bullet">
/// <item>Write: a write token. With no write token configured, loopback clients only (the quickstart keeps working),
/// and not a request a local proxy relays (it carries <c>Forwarded</c>, <c>X-Forwarded-For</c> or <c>X-Real-IP</c>);
/// any other client gets 403 saying how to enable writes.</item>
/// <item>Read: with read tokens configured, a read or a write token; otherwise anyone.</item>
/// </list>
/// A missing or unknown token is <see cref="UnauthenticatedException"/> (401), a token without the right
/// <see cref="AccessDeniedException"/> (403). Answers never say which tokens exist; tokens are never logged.
/// Where the endpoint allows it (pages for browsers), a browser signed in through <see cref="BrowserSessions"/> reads
/// without the header; a session never grants writes.
/// </summary>
public sealed class AccessPolicy(AccessTokens tokens, BrowserSessions? sessions = null)
{
    private const string Scheme = "Bearer ";

    public const string EnableWritesHint =
        "set FEATURESTORE_WRITE_TOKENS (comma-separated) or --write-tokens-file on the server, " +
        "and send 'Authorization: Bearer <token>'";

    public AccessTokens Tokens => tokens;

    /// <summary>
    /// Throws unless the request may have <paramref name="level"/> access; <paramref name="acceptsBrowserSession"/>
    /// lets a signed-in browser's session cookie stand for a read token.
    /// </summary>
    public void Demand(HttpContext context, AccessLevel level, bool acceptsBrowserSession = false)
    {
        var header = context.Request.Headers.Authorization;
        if (level == AccessLevel.Read && !tokens.HasReadTokens)
        {
            return;
        }
        if (level == AccessLevel.Write && !tokens.HasWriteTokens)
        {
            if (IsFromThisMachine(context))
            {
                return;
            }
            throw new AccessDeniedException(
                "Writes are accepted only from the server's own machine, because no write token is configured" +
                (IsRelayed(context.Request.Headers) ? " (a request relayed by a proxy is not)" : "") +
                $". To write from other machines, {EnableWritesHint}.");
        }
        if (!TryGetBearer(header, out var token))
        {
            if (acceptsBrowserSession && level == AccessLevel.Read && sessions?.IsSignedIn(context) == true)
            {
                return;
            }
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

    /// <summary>
    /// A loopback peer that relays nobody. A reverse proxy on the server's machine connects from loopback for every
    /// client it serves; the forwarding headers it adds mark such a request as coming from elsewhere.
    /// </summary>
    private static bool IsFromThisMachine(HttpContext context) =>
        IsLoopback(context.Connection.RemoteIpAddress) && !IsRelayed(context.Request.Headers);

    private static bool IsRelayed(IHeaderDictionary headers) =>
        headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Real-IP");

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
