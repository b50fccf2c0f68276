using System.Security.Cryptography;
using System.Text;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Server.Auth;

/// <summary>
/// The bearer tokens the server accepts, from <c>FEATURESTORE_WRITE_TOKENS</c> / <c>--write-tokens-file</c> and
/// <c>FEATURESTORE_READ_TOKENS</c> / <c>--read-tokens-file</c>. Only SHA-256 digests are kept, and a presented token
/// is compared with every one of them in constant time, so neither the answer nor its timing tells which tokens exist.
/// No message ever repeats a token: problems name the variable or the file and line.
/// </summary>
public sealed class AccessTokens
{
    /// <summary>Shorter tokens can be guessed; 16 characters of a random token are plenty.</summary>
    public const int MinimumLength = 16;

    private readonly byte[][] _write;
    private readonly byte[][] _read;

    private AccessTokens(byte[][] write, byte[][] read)
    {
        _write = write;
        _read = read;
    }

    /// <summary>True when write tokens are configured: writes then need one, from any client.</summary>
    public bool HasWriteTokens => _write.Length > 0;

    /// <summary>True when read tokens are configured: reads then need a read or a write token.</summary>
    public bool HasReadTokens => _read.Length > 0;

    public int WriteTokenCount => _write.Length;

    public int ReadTokenCount => _read.Length;

    public static AccessTokens None { get; } = new([], []);

    /// <summary>The tokens the options name; a malformed token or unreadable file is a <see cref="UserInputException"/>.</summary>
    public static AccessTokens Load(ServerOptions options) => new(
        Digests(Read(options.WriteTokens, ServerSettings.EnvironmentPrefix + "WRITE_TOKENS", options.WriteTokensFile, "--write-tokens-file")),
        Digests(Read(options.ReadTokens, ServerSettings.EnvironmentPrefix + "READ_TOKENS", options.ReadTokensFile, "--read-tokens-file")));

    /// <summary>From token lists given directly (tests, embedding).</summary>
    public static AccessTokens From(IEnumerable<string> writeTokens, IEnumerable<string> readTokens) =>
        new(Digests(writeTokens.Select((t, i) => Checked(t, $"write token {i + 1}"))),
            Digests(readTokens.Select((t, i) => Checked(t, $"read token {i + 1}"))));

    /// <summary>The access a presented token grants: <see cref="AccessLevel.Write"/>, <see cref="AccessLevel.Read"/> or none.</summary>
    public AccessLevel? Grant(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
        {
            return null;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(token.ToArray());
        SHA256.HashData(bytes, digest);
        // Every digest is compared, whatever matched, so the time taken says nothing about which one did.
        var write = AnyEqual(_write, digest);
        var read = AnyEqual(_read, digest);
        return write ? AccessLevel.Write : read ? AccessLevel.Read : null;
    }

    private static bool AnyEqual(byte[][] digests, ReadOnlySpan<byte> digest)
    {
        var found = false;
        foreach (var candidate in digests)
        {
            found |= CryptographicOperations.FixedTimeEquals(candidate, digest);
        }
        return found;
    }

    private static byte[][] Digests(IEnumerable<string> tokens) =>
        tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();

    private static List<string> Read(string? list, string variable, string? file, string flag)
    {
        var tokens = new List<string>();
        if (!string.IsNullOrWhiteSpace(list))
        {
            var items = list.Split(',');
            for (var i = 0; i < items.Length; i++)
            {
                tokens.Add(Checked(items[i].Trim(), $"token {i + 1} of {variable}"));
            }
        }
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Path.GetFullPath(file);
            string[] lines;
            try
            {
                lines = File.ReadAllLines(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserInputException($"{flag}: cannot read the tokens file '{path}': {ex.Message}");
            }
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    tokens.Add(Checked(line, $"line {i + 1} of the tokens file '{path}' ({flag})"));
                }
            }
            if (tokens.Count == 0)
            {
                throw new UserInputException($"{flag}: the tokens file '{path}' holds no token; put one token per line.");
            }
        }
        return tokens;
    }

    private static string Checked(string token, string where)
    {
        if (token.Length == 0)
        {
            throw new UserInputException($"The {where} is empty; separate tokens with single commas.");
        }
        if (token.Any(c => c <= ' ' || c > '~'))
        {
            throw new UserInputException($"The {where} holds a space or a character that is not printable ASCII; a bearer token cannot.");
        }
        if (token.Length < MinimumLength)
        {
            throw new UserInputException(
                $"The {where} is shorter than {MinimumLength} characters; use a long random token (e.g. openssl rand -hex 32).");
        }
        return token;
    }
}
