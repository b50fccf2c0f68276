using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Online;

/// <summary>
/// Best-effort removal of online data right after <c>apply</c> removed a view, turned it offline or changed its
/// features, so that memory is freed without waiting for the next materialization. Never fails the apply: reads
/// already ignore such data (they resolve views against the applied definitions and check the schema fingerprint),
/// and every materialization runs the same cleanup first.
/// </summary>
public static class OnlineDataCleanup
{
    /// <summary>Bounded so an unreachable Redis delays apply by seconds at most.</summary>
    private static readonly RedisOnlineStoreOptions Options = new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(5),
        WriteAttempts = 1,
    };

    public static bool IsNeeded(RegistryDiff diff) =>
        diff.Changes.Any(c => c.Kind == ObjectKind.FeatureView && c.Type is ChangeType.Removed or ChangeType.Changed);

    /// <summary>
    /// Removes stale views' data for the applied definitions. Returns a line for the user's output when data was
    /// removed, a warning line (for stderr) when Redis could not be reached, or nulls when nothing was stale.
    /// </summary>
    public static async Task<(string? Output, string? Warning)> AfterApplyAsync(
        RepositoryConfig config, RegistryVersion applied, ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger(typeof(OnlineDataCleanup));
        try
        {
            await using var store = await RedisOnlineStore.ConnectAsync(config.RedisConnectionString, Options, logger, cancellationToken);
            if (!store.Connection.IsConnected)
            {
                return (null, Unreachable(config, "not connected"));
            }
            var removed = await store.RemoveStaleViewsAsync(applied.Definitions, applied.Number, cancellationToken);
            return removed.Count == 0
                ? (null, null)
                : ($"Removed online data of feature views no longer served as defined: {string.Join(", ", removed)}.", null);
        }
        catch (StoreUnavailableException ex)
        {
            return (null, Unreachable(config, ex.InnerException?.Message ?? ex.Message));
        }
    }

    private static string Unreachable(RepositoryConfig config, string reason) =>
        $"warning: could not reach Redis at {config.RedisConnectionString} ({reason}) to remove online data of removed or " +
        "changed feature views; reads never serve it, and the next materialize removes it.";
}
