using FeatureStore.Core.Errors;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Core.Online;

/// <summary>
/// Bounded retries with exponential backoff for idempotent Redis operations, then a
/// <see cref="StoreUnavailableException"/> that says what failed. Only infrastructure failures are retried.
/// </summary>
internal static class RedisRetry
{
    public static async Task<T> RunAsync<T>(
        Func<int, Task<T>> operation, string what, int attempts, TimeSpan baseDelay, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await operation(attempt).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < attempts)
            {
                var delay = baseDelay * Math.Pow(2, attempt - 1);
                logger.LogWarning("Redis {Operation} failed (attempt {Attempt} of {Attempts}), retrying in {DelayMs} ms: {Error}",
                    what, attempt, attempts, (int)delay.TotalMilliseconds, ex.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                throw new StoreUnavailableException($"Redis {what} failed after {attempts} attempt{(attempts == 1 ? "" : "s")}.", ex);
            }
        }
    }

    /// <summary>Connection loss, timeouts, and server states that pass (loading, busy, script cache flushed).</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => IsNoScript(server) || server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal) || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal),
        ObjectDisposedException => false,
        _ => false,
    };

    public static bool IsNoScript(Exception ex) =>
        ex is RedisServerException && ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
