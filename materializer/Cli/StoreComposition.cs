using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;
using FeatureStore.DuckDb;
using FeatureStore.Garnet;
using FeatureStore.Redis;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Cli;

/// <summary>
/// Where the CLI chooses its store implementations: the one place that names DuckDB, Redis and Garnet types. Verbs ask
/// for the domain's interfaces.
/// </summary>
internal static class StoreComposition
{
    public static ISourceSchemaReader SourceSchemas { get; } = new DuckDbSourceSchemaReader();

    public static IOfflineStore Offline(CliContext context) =>
        new DuckDbOfflineStore(logger: context.LoggerFactory.CreateLogger<DuckDbOfflineStore>());

    public static ILogEntityReader LogEntities { get; } = new DuckDbLogEntityReader();

    public static ILogAudit Audit(CliContext context) =>
        new DuckDbLogAudit(logger: context.LoggerFactory.CreateLogger<DuckDbLogAudit>());

    public static IFeatureProfiler Profiler { get; } = new DuckDbFeatureProfiler();

    /// <summary>The profile store of a repository: the <c>profiles</c> folder of its registry.</summary>
    public static IProfileStore Profiles(RepositoryConfig config, CliContext context) =>
        new FileProfileStore(config.RegistryPath, logger: context.LoggerFactory.CreateLogger<FileProfileStore>());

    /// <summary>
    /// Resolves profile references; the online store, when one is asked for, comes from <paramref name="onlineStore"/>
    /// (the caller owns and disposes it).
    /// </summary>
    public static ProfileResolver References(IProfileStore profiles, Func<CancellationToken, Task<IOnlineStore>>? onlineStore = null) =>
        new(Profiler, profiles, onlineStore);

    /// <summary>The gate materialize runs every view's rows through before writing them.</summary>
    public static QualityGate Quality(RepositoryConfig config, CliContext context)
    {
        var profiles = Profiles(config, context);
        return new QualityGate(profiles, References(profiles), context.LoggerFactory.CreateLogger<QualityGate>());
    }

    /// <summary>
    /// The online store of a repository, with the CLI's timeouts (a batch job may wait for Redis a little). For the
    /// embedded store the command hosts it when no process does; disposing the store at the end of the command then
    /// checkpoints the data, so the next process (a server, the next command) recovers it.
    /// </summary>
    public static async Task<IOnlineStoreConnection> OpenOnlineAsync(
        RepositoryConfig config, CliContext context, CancellationToken cancellationToken, RedisOnlineStoreOptions? options = null) =>
        await OnlineStoreConnector.OpenAsync(
            config, (options ?? new RedisOnlineStoreOptions()) with { ClientName = "featurestore-cli" }, context.LoggerFactory, cancellationToken);

    /// <summary>Which online store the repository uses and where its data is (for <c>status</c>).</summary>
    public static string DescribeOnline(RepositoryConfig config) => OnlineStoreConnector.Describe(config);

    /// <summary>Short bounds for best-effort work (cleanup after apply): an unreachable Redis delays a command by seconds at most.</summary>
    public static RedisOnlineStoreOptions BestEffort { get; } = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(5),
        WriteAttempts = 1,
    };
}
