namespace FeatureStore.Core.Definitions;

/// <summary>
/// The settings in <c>featurestore.yaml</c> after <c>${NAME:-default}</c> expansion, with paths made absolute.
/// Environment variables and command-line flags override them (lowest to highest precedence).
/// </summary>
public sealed record RepositoryConfig
{
    /// <summary>Absolute path of the repository folder.</summary>
    public required string Root { get; init; }

    /// <summary>Namespace of everything this repository writes (Redis keys, registry): <c>[a-z][a-z0-9_]*</c>.</summary>
    public required string Project { get; init; }

    /// <summary>
    /// <see cref="OnlineStoreTypes.Redis"/> or <see cref="OnlineStoreTypes.Embedded"/>. The file's default is the
    /// embedded store; <c>FEATURESTORE_REDIS</c> and <c>--redis</c> switch to Redis.
    /// </summary>
    public string OnlineStoreType { get; init; } = OnlineStoreTypes.Redis;

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> (used by the Redis type).</summary>
    public string RedisConnectionString { get; init; } = "localhost:6379";

    /// <summary>The embedded store's folder and port; set when <see cref="OnlineStoreType"/> is embedded.</summary>
    public EmbeddedStoreSettings? EmbeddedStore { get; init; }

    /// <summary>
    /// The Redis password from <c>FEATURESTORE_REDIS_PASSWORD</c>, replacing the connection string's; null when unset.
    /// Never printed (see <see cref="PrintMembers"/>).
    /// </summary>
    public string? RedisPassword { get; init; }

    /// <summary>
    /// Absolute path of the CA certificate the Redis server's TLS certificate must chain to (<c>online_store.tls_ca_file</c>,
    /// relative to the repository, or <c>FEATURESTORE_REDIS_TLS_CA</c>); null for the system's authorities.
    /// </summary>
    public string? RedisTlsCaFile { get; init; }

    public string OfflineStoreType { get; init; } = "duckdb";

    /// <summary>Absolute path of the folder holding applied registry versions and materialization state.</summary>
    public required string RegistryPath { get; init; }

    /// <summary>The <c>logging</c> section; null means its defaults (see <see cref="LoggingSettings"/>).</summary>
    public FeatureLoggingConfig? Logging { get; init; }

    /// <summary>The served-feature logging settings in force: the <c>logging</c> section or its defaults.</summary>
    public FeatureLoggingConfig LoggingSettings() => Logging ?? FeatureLoggingConfig.Default(Root);

    /// <summary>
    /// <c>materialization.schedule</c>: the cron expression (UTC) of every online view without a schedule of its own;
    /// null when views are materialized only on demand.
    /// </summary>
    public string? MaterializationSchedule { get; init; }

    /// <summary>Leaves the connection string and the password out: a record prints every property.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Root = {Root}, Project = {Project}, OnlineStoreType = {OnlineStoreType}, OfflineStoreType = {OfflineStoreType}, RegistryPath = {RegistryPath}");
        return true;
    }
}
