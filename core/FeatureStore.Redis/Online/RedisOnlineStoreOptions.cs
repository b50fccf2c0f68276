using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
namespace FeatureStore.Redis;

/// <summary>
/// Timeouts and write shape of the Redis online store. Defaults suit a Redis on the same network; every bound here
/// exists so that an outage turns into a clear error in seconds rather than a hang.
/// </summary>
public sealed record RedisOnlineStoreOptions
{
    /// <summary>Time to establish a connection (StackExchange.Redis connectTimeout).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Time a command may take (sync/async timeouts); reads give up after this too.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Attempts per write call (and per bookkeeping operation) before <see cref="Core.Errors.StoreUnavailableException"/>
    /// (1 = no retry). Each attempt waits at most <see cref="ConnectTimeout"/> for a lost connection.
    /// </summary>
    public int WriteAttempts { get; init; } = 4;

    /// <summary>First retry delay; doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Keys per write-script call (all in one hash slot).</summary>
    public int KeysPerCall { get; init; } = 64;

    /// <summary>
    /// Script calls in flight before the writer waits for the oldest: the pipeline depth. Deep enough (16k keys at
    /// the default call size) that Redis rarely drains its input while this process waits to be scheduled.
    /// </summary>
    public int MaxCallsInFlight { get; init; } = 256;

    /// <summary>The name this process shows in Redis's CLIENT LIST (unless the connection string sets one).</summary>
    public string ClientName { get; init; } = "featurestore";

    /// <summary>Keys per SCAN page and per HDEL batch when removing views.</summary>
    public int ScanPageSize { get; init; } = 1000;
}
