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
/// retried. While the connection is down an attempt waits for it (up to the connect timeout) instead of queueing
/// commands, so an unreachable Redis is reported in seconds.
/// </summary>
internal static class RedisRetry
{
    public static async Task<T> RunAsync<T>(
        IConnectionMultiplexer connection, Func<int, Task<T>> operation, string what, RedisOnlineStoreOptions options,
        ILogger logger, CancellationToken cancellationToken, RetryWarningGate? warnings = null)
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

    /// <summary>Connection loss, timeouts, and server states that pass (loading, busy, script cache flushed).</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => IsNoScript(server) || server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal) || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        _ => false,
    };

    public static bool IsNoScript(Exception ex) =>
        ex is RedisServerException && ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    /// <summary>StackExchange.Redis messages carry a long diagnostic tail after " - "; the head says what happened.</summary>
    public static string ShortReason(Exception ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" - ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
