using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace FeatureStore.Server.Auth;

/// <summary>
/// Sign-in for browsers, which cannot add a bearer header to a link they follow. A person posts a read or write token
/// once (the catalog's sign-in form); the answer sets a session cookie, and the pages accept it in place of the header.
/// The cookie holds an expiry and an HMAC of the token's digest and that expiry, under a key drawn at random when the
/// server starts: never the token, nothing a page or log could show, worthless after a restart or
/// <see cref="Lifetime"/>, or once its token is no longer configured. It is HttpOnly (no script reads it),
/// SameSite=Strict (no other site's page sends it) and Secure when the server serves TLS or a TLS-ending proxy relays
/// the request; it carries no expiry of its
/// own, so the browser drops it when it closes. A session grants reads only.
/// </summary>
public sealed class BrowserSessions(AccessTokens tokens, TimeProvider clock)
{
    public const string CookieName = "featurestore_session";

    /// <summary>How long a sign-in lasts, at most.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const int MacLength = HMACSHA256.HashSizeInBytes;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>True when sign-in means anything: read tokens are configured.</summary>
    public bool Required => tokens.HasReadTokens;

    /// <summary>
    /// Signs the browser in when <paramref name="token"/> grants reads (a read or a write token) and returns true;
    /// otherwise sets nothing and returns false.
    /// </summary>
    public bool SignIn(HttpContext context, ReadOnlySpan<char> token)
    {
        if (tokens.Grant(token) is null)
        {
            return false;
        }
        var expires = (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        var value = expires.ToString(CultureInfo.InvariantCulture) + "." + Base64Url.EncodeToString(Mac(AccessTokens.Digest(token), expires));
        context.Response.Cookies.Append(CookieName, value, CookieOptions(context));
        return true;
    }

    /// <summary>Ends the browser's session.</summary>
    public void SignOut(HttpContext context) => context.Response.Cookies.Delete(CookieName, CookieOptions(context));

    /// <summary>True when the request carries a session cookie this server issued, unexpired, for a token still configured.</summary>
    public bool IsSignedIn(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var value) && value is not null && IsValid(value);

    private bool IsValid(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(value.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires <= clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }
        Span<byte> presented = stackalloc byte[MacLength];
        if (!Base64Url.TryDecodeFromChars(value.AsSpan(dot + 1), presented, out var written) || written != MacLength)
        {
            return false;
        }
        // Every token's MAC is compared, whatever matched, so the time taken says nothing about which one did.
        var found = false;
        foreach (var digest in tokens.ReadingDigests)
        {
            found |= CryptographicOperations.FixedTimeEquals(Mac(digest, expires), presented);
        }
        return found;
    }

    private byte[] Mac(byte[] digest, long expires)
    {
        Span<byte> message = stackalloc byte[digest.Length + sizeof(long)];
        digest.CopyTo(message);
        BinaryPrimitives.WriteInt64BigEndian(message[digest.Length..], expires);
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>
    /// A proxy that ends TLS and relays plain HTTP says so in <c>X-Forwarded-Proto</c>; the browser then must keep the
    /// cookie to HTTPS. Believing a forged header only makes that client's own cookie stricter.
    /// </summary>
    private static bool ReachedOverHttpsThroughProxy(HttpRequest request) =>
        string.Equals(request.Headers["X-Forwarded-Proto"].ToString(), "https", StringComparison.OrdinalIgnoreCase);

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps || ReachedOverHttpsThroughProxy(context.Request),
        Path = "/",
        IsEssential = true,
    };
}
