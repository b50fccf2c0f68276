using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// A per-(project, view) lock in Redis so two materializations of one view never run at once: <c>SET NX PX</c> with
/// a random token, renewed every third of its expiry while held, released only by its holder (compare-and-delete).
/// If the holder dies, the lock expires by itself. Even without the lock, writes stay monotonic (compare-and-set);
/// the lock keeps watermarks and progress reports honest.
/// </summary>
internal sealed class MaterializationLock : IAsyncDisposable
{
    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private readonly RedisOnlineStore _store;
    private readonly RedisKey _key;
    private readonly string _token;
    private readonly TimeSpan _ttl;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private MaterializationLock(RedisOnlineStore store, RedisKey key, string view, string token, TimeSpan ttl, ILogger logger)
    {
        _store = store;
        _key = key;
        View = view;
        _token = token;
        _ttl = ttl;
        _logger = logger;
        _renewal = RenewLoopAsync();
    }

    public string View { get; }

    /// <summary>Takes the lock, or throws <see cref="MaterializationInProgressException"/> (or waits, when asked).</summary>
    public static async Task<MaterializationLock> AcquireAsync(
        RedisOnlineStore store, OnlineKeyLayout layout, string view, MaterializationOptions options, bool wait,
        ILogger logger, CancellationToken cancellationToken)
    {
        var key = layout.LockKey(view);
        var token = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var database = store.Connection.GetDatabase();
        var loggedWait = false;
        while (true)
        {
            var acquired = await store.RunWithRetryAsync(
                _ => database.StringSetAsync(key, token, options.LockTtl, When.NotExists),
                $"lock of view '{view}'", cancellationToken).ConfigureAwait(false);
            if (acquired)
            {
                return new MaterializationLock(store, key, view, token, options.LockTtl, logger);
            }
            if (!wait)
            {
                var remaining = await store.RunWithRetryAsync(
                    _ => database.KeyTimeToLiveAsync(key), $"lock of view '{view}'", cancellationToken).ConfigureAwait(false);
                throw new MaterializationInProgressException(view, remaining);
            }
            if (!loggedWait)
            {
                logger.LogInformation("Waiting for another materialization of {View} to finish", view);
                loggedWait = true;
            }
            await Task.Delay(options.LockPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(_ttl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    var renewed = (long)await _store.Connection.GetDatabase()
                        .ScriptEvaluateAsync(RenewScript, [_key], [_token, (long)_ttl.TotalMilliseconds]).ConfigureAwait(false);
                    if (renewed == 0)
                    {
                        _logger.LogWarning("Lost the materialization lock of {View} (it expired); writes stay monotonic", View);
                        return;
                    }
                }
                catch (Exception ex) when (RedisRetryFilter(ex))
                {
                    _logger.LogWarning("Could not renew the materialization lock of {View}: {Error}", View, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
    }

    private static bool RedisRetryFilter(Exception ex) => ex is RedisException or TimeoutException;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            await _store.Connection.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [_key], [_token]).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisRetryFilter(ex))
        {
            // Redis is down: the lock expires by itself.
            _logger.LogWarning("Could not release the materialization lock of {View} (it expires by itself): {Error}", View, ex.Message);
        }
    }
}
