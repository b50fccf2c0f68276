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

    public string OnlineStoreType { get; init; } = "redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</summary>
    public string RedisConnectionString { get; init; } = "localhost:6379";

    public string OfflineStoreType { get; init; } = "duckdb";

    /// <summary>Absolute path of the folder holding applied registry versions and materialization state.</summary>
    public required string RegistryPath { get; init; }

    /// <summary>The <c>logging</c> section; null means its defaults (see <see cref="LoggingSettings"/>).</summary>
    public FeatureLoggingConfig? Logging { get; init; }

    /// <summary>The served-feature logging settings in force: the <c>logging</c> section or its defaults.</summary>
    public FeatureLoggingConfig LoggingSettings() => Logging ?? FeatureLoggingConfig.Default(Root);

    /// <summary>Leaves the connection string out: it may hold a password, and a record prints every property.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Root = {Root}, Project = {Project}, OnlineStoreType = {OnlineStoreType}, OfflineStoreType = {OfflineStoreType}, RegistryPath = {RegistryPath}");
        return true;
    }
}
