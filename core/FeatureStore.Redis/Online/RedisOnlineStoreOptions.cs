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
    /// Script calls in flight per primary before the writer waits for that primary's oldest: the pipeline depth. Deep
    /// enough (16k keys at the default call size) that Redis rarely drains its input while this process waits to be
    /// scheduled; per primary, so every shard of a cluster gets a full pipeline and a slow one stalls only its own.
    /// </summary>
    public int MaxCallsInFlight { get; init; } = 256;

    /// <summary>The name this process shows in Redis's CLIENT LIST (unless the connection string sets one).</summary>
    public string ClientName { get; init; } = "featurestore";

    /// <summary>Keys per SCAN page and per HDEL batch when removing views.</summary>
    public int ScanPageSize { get; init; } = 1000;

    /// <summary>
    /// The password to log in with, replacing the connection string's (<c>FEATURESTORE_REDIS_PASSWORD</c>), so it need
    /// not sit in <c>featurestore.yaml</c>. Never printed: <see cref="PrintMembers"/> leaves it out.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>
    /// A CA certificate file (PEM or DER; <c>online_store.tls_ca_file</c>, <c>FEATURESTORE_REDIS_TLS_CA</c>) the server's
    /// certificate must chain to, for a Redis whose certificate no system authority signed. Implies TLS.
    /// </summary>
    public string? TlsCaFile { get; init; }

    /// <summary>
    /// These options with a repository's Redis password and CA file (from featurestore.yaml and the environment); for
    /// a repository whose online store is not a Redis of its own, these options unchanged.
    /// </summary>
    public RedisOnlineStoreOptions WithConnectionSecurity(RepositoryConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.OnlineStoreType != "redis"
            ? this
            : this with { Password = config.RedisPassword ?? Password, TlsCaFile = config.RedisTlsCaFile ?? TlsCaFile };
    }

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"ConnectTimeout = {ConnectTimeout}, CommandTimeout = {CommandTimeout}, WriteAttempts = {WriteAttempts}, ")
            .Append($"RetryBaseDelay = {RetryBaseDelay}, KeysPerCall = {KeysPerCall}, MaxCallsInFlight = {MaxCallsInFlight}, ")
            .Append($"ClientName = {ClientName}, ScanPageSize = {ScanPageSize}, Password = {(Password is null ? "(none)" : "***")}, ")
            .Append($"TlsCaFile = {TlsCaFile}");
        return true;
    }
}
