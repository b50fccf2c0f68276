using System.Diagnostics;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Bounded retries with exponential backoff for idempotent Redis operations, then a
/// <see cref="StoreUnavailableException"/> that says what failed, in one line. Only infrastructure failures are
/// retried, among them a Redis Cluster's passing states: a slot in migration (TRYAGAIN, redirections the client could
/// not follow), a shard without a primary until its replica takes over (CLUSTERDOWN, READONLY). While the connection
/// is down an attempt waits for it (up to the connect timeout) instead of queueing commands, so an unreachable Redis is
/// reported in seconds. A command the Redis user may not run (NOPERM) is not retried: its error names the command.
/// </summary>
internal static class RedisRetry
{
    /// <summary>The passing states by their error prefix, for errors the client does not classify (e.g. raised inside a script).</summary>
    private static readonly string[] TransientPrefixes = ["NOSCRIPT", "LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN", "READONLY"];

    /// <summary>
    /// Runs <paramref name="operation"/> (given the attempt number) with retries; <paramref name="what"/> names it in
    /// warnings and errors, <paramref name="scriptCommands"/> lists the commands its script runs, named in the error
    /// when the Redis user may not run one of them.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        IConnectionMultiplexer connection, Func<int, Task<T>> operation, string what, RedisOnlineStoreOptions options,
        ILogger logger, CancellationToken cancellationToken, RetryWarningGate? warnings = null, IReadOnlyList<string>? scriptCommands = null)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await WaitForConnectionAsync(connection, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
                return await operation(attempt).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < options.WriteAttempts)
            {
                var delay = options.RetryBaseDelay * Math.Pow(2, attempt - 1);
                // Calls failing together (a pipelined writer) share a gate: one warning per interval, counting the rest.
                var suppressed = 0;
                if (warnings is null || warnings.TryEnter(out suppressed))
                {
                    if (suppressed == 0)
                    {
                        logger.LogWarning("Redis {Operation} failed (attempt {Attempt} of {Attempts}), retrying in {DelayMs} ms: {Error}",
                            what, attempt, options.WriteAttempts, (int)delay.TotalMilliseconds, ShortReason(ex));
                    }
                    else
                    {
                        logger.LogWarning(
                            "Redis {Operation} failed (attempt {Attempt} of {Attempts}), retrying in {DelayMs} ms: {Error} ({Suppressed} more failed calls of it since the last warning)",
                            what, attempt, options.WriteAttempts, (int)delay.TotalMilliseconds, ShortReason(ex), suppressed);
                    }
                }
                logger.LogDebug(ex, "Redis {Operation} failure detail", what);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                logger.LogDebug(ex, "Redis {Operation} failure detail", what);
                throw Unavailable(connection, $"{what} failed after {options.WriteAttempts} attempt{(options.WriteAttempts == 1 ? "" : "s")} " +
                                              $"in {clock.Elapsed.TotalSeconds:0.#} s", ex);
            }
            catch (RedisServerException ex) when (RedisPermissionError.Matches(ex))
            {
                throw RedisPermissionError.Create(connection, what, ex, scriptCommands);
            }
        }
    }

    /// <summary>A one-line error naming the endpoint and the operation; the inner exception keeps a short reason.</summary>
    public static StoreUnavailableException Unavailable(IConnectionMultiplexer connection, string what, Exception ex) =>
        new($"Redis at {RedisConnectionFactory.Describe(connection)} is unavailable: {what}.", new RedisException(ShortReason(ex), ex));

    private static async Task WaitForConnectionAsync(IConnectionMultiplexer connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (connection.IsConnected)
        {
            return;
        }
        var deadline = Stopwatch.StartNew();
        while (!connection.IsConnected && deadline.Elapsed < timeout)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        if (!connection.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                $"not connected (waited {timeout.TotalSeconds:0.#} s)", null, CommandStatus.Unknown);
        }
    }

    /// <summary>
    /// Connection loss, timeouts, and server states that pass: loading, busy, script cache flushed, and a cluster
    /// resharding or failing over (a retry after the backoff finds the slot's new owner, which the client learns from
    /// the redirection or its topology refresh).
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => server.Kind is RedisErrorKind.NoScript or RedisErrorKind.Loading or RedisErrorKind.Busy
                or RedisErrorKind.TryAgain or RedisErrorKind.MasterDown or RedisErrorKind.ClusterDown or RedisErrorKind.Moved
                or RedisErrorKind.Ask or RedisErrorKind.UnknownRedirectTarget or RedisErrorKind.ReadOnly
            || TransientPrefixes.Any(p => server.Message.StartsWith(p, StringComparison.Ordinal)),
        _ => false,
    };

    public static bool IsNoScript(Exception ex) =>
        ex is RedisServerException server && (server.Kind == RedisErrorKind.NoScript || server.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal));

    /// <summary>StackExchange.Redis messages carry a long diagnostic tail after " - "; the head says what happened.</summary>
    public static string ShortReason(Exception ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" - ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
