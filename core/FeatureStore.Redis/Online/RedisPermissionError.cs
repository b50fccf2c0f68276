using System.Text.RegularExpressions;
using FeatureStore.Core.Errors;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Turns Redis's NOPERM (an ACL user that may not run a command or touch a key) into an error that says what to
/// grant: the command by name, or for a script, the commands the script runs (Redis does not say which one it refused).
/// The commands the store uses are listed in <see cref="StoreCommands"/>.
/// </summary>
internal static partial class RedisPermissionError
{
    /// <summary>
    /// Every command the store sends, for an ACL rule (<c>ACL SETUSER ... ~fs:{&lt;project&gt;* +...</c>): the
    /// client's handshake and topology discovery, reads, writes, the scripts and the commands they run.
    /// </summary>
    public static readonly IReadOnlyList<string> StoreCommands =
    [
        // Handshake and topology (a user without INFO, CLIENT or CLUSTER still connects, with less detail; CLIENT
        // SETINFO exists from Redis 7.2 on, leave it out of the rule for older servers).
        "hello", "auth", "ping", "echo", "info", "client|setname", "client|setinfo", "client|id", "cluster|nodes", "cluster|slots",
        // Reads, writes, cleanup, locks.
        "hmget", "hgetall", "hdel", "scan", "set", "pttl", "evalsha", "eval", "script|load",
        // Run by the scripts.
        "hget", "hset", "hsetnx", "pexpireat", "pexpiretime", "get", "pexpire", "del",
    ];

    public static bool Matches(RedisServerException ex) =>
        ex.Kind == RedisErrorKind.NoPermission || ex.Message.StartsWith("NOPERM", StringComparison.Ordinal) || ScriptRefused(ex.Message);

    public static StoreUnavailableException Create(
        IConnectionMultiplexer connection, string what, RedisServerException ex, IReadOnlyList<string>? scriptCommands)
    {
        var endpoints = RedisConnectionFactory.Describe(connection);
        var message = ex.Message;
        string detail;
        if (Command().Match(message) is { Success: true } command)
        {
            detail = $"the Redis user may not run the '{command.Groups[1].Value}' command (NOPERM); grant it: ACL SETUSER <user> +{command.Groups[1].Value}";
        }
        else if (message.Contains("key", StringComparison.OrdinalIgnoreCase))
        {
            detail = "the Redis user may not access the project's keys (NOPERM); its key patterns must include ~fs:{<project>*";
        }
        else if (scriptCommands is { Count: > 0 })
        {
            detail = $"the Redis user may not run a command of its script (NOPERM); the script runs {string.Join(", ", scriptCommands)}: " +
                     $"grant them: ACL SETUSER <user> {string.Join(" ", scriptCommands.Select(c => "+" + c))}";
        }
        else
        {
            detail = "the Redis user may not run a command it needs (NOPERM)";
        }
        return new StoreUnavailableException($"Redis at {endpoints} refused the {what}: {detail}.", new RedisException(RedisRetry.ShortReason(ex), ex));
    }

    /// <summary>Redis 7.0 reports a command refused inside a script without naming it.</summary>
    private static bool ScriptRefused(string message) =>
        message.Contains("The user executing the script can't", StringComparison.Ordinal);

    [GeneratedRegex(@"permissions to run the '([^']+)' command")]
    private static partial Regex Command();
}
