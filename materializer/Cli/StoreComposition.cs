using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using FeatureStore.DuckDb;
using FeatureStore.Redis;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Cli;

/// <summary>
/// Where the CLI chooses its store implementations: the one place that names DuckDB and Redis types. Verbs ask for
/// the domain's interfaces.
/// </summary>
internal static class StoreComposition
{
    public static ISourceSchemaReader SourceSchemas { get; } = new DuckDbSourceSchemaReader();

    public static IOfflineStore Offline(CliContext context) =>
        new DuckDbOfflineStore(logger: context.LoggerFactory.CreateLogger<DuckDbOfflineStore>());

    public static ILogEntityReader LogEntities { get; } = new DuckDbLogEntityReader();

    public static ILogAudit Audit(CliContext context) =>
        new DuckDbLogAudit(logger: context.LoggerFactory.CreateLogger<DuckDbLogAudit>());

    /// <summary>The online store of a repository, with the CLI's timeouts (a batch job may wait for Redis a little).</summary>
    public static async Task<RedisOnlineStore> OpenOnlineAsync(
        RepositoryConfig config, CliContext context, CancellationToken cancellationToken, RedisOnlineStoreOptions? options = null) =>
        await RedisOnlineStore.ConnectAsync(
            config.RedisConnectionString, (options ?? new RedisOnlineStoreOptions()) with { ClientName = "featurestore-cli" },
            context.LoggerFactory.CreateLogger<RedisOnlineStore>(), cancellationToken);

    /// <summary>Short bounds for best-effort work (cleanup after apply): an unreachable Redis delays a command by seconds at most.</summary>
    public static RedisOnlineStoreOptions BestEffort { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(5),
        WriteAttempts = 1,
    };
}
