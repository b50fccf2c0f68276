using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;

namespace FeatureStore.Core.Online;

/// <summary>
/// Low-latency store of the latest value per entity key and view. Redis is one implementation; the engine, the
/// server and the CLI depend only on this interface, so another store plugs in without touching them.
/// Every writer of online data (materialize, push, write-to-online-store) goes through
/// <see cref="OpenViewWriterAsync"/>, whose writes compare versions (see <see cref="PointInTime.RowVersion"/>), so
/// an older row never replaces a newer one whoever writes.
/// An unreachable store throws <see cref="Errors.StoreUnavailableException"/> within a bounded time from every member.
/// </summary>
public interface IOnlineStore
{
    /// <summary>Where the store is, for logs and errors: host:port pairs only, never a credential.</summary>
    string Description { get; }

    /// <summary>
    /// Reads the requested features for every entity row in one round trip. Unknown features or views throw
    /// <see cref="Errors.NotFoundException"/>; malformed requests (missing join key, wrong key type, column length
    /// mismatch) throw <see cref="Errors.UserInputException"/>. A request with no entity rows is answered (empty
    /// columns) without contacting the store.
    /// </summary>
    Task<OnlineReadResult> ReadAsync(OnlineReadRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a writer for one view's rows. Records the view's schema and <paramref name="registryVersion"/> so that
    /// <see cref="RemoveStaleViewsAsync"/> knows what exists; refuses (<see cref="Errors.UserInputException"/>) when a
    /// newer registry version recorded the view with another schema.
    /// </summary>
    Task<IOnlineViewWriter> OpenViewWriterAsync(
        DefinitionSet definitions, FeatureViewDefinition view, long registryVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the data of views no longer served as defined in <paramref name="current"/> (removed, offline, or
    /// with another feature schema), leaving alone what a registry version newer than
    /// <paramref name="registryVersion"/> recorded. Returns the names of the views removed. Safe to repeat.
    /// </summary>
    Task<IReadOnlyList<string>> RemoveStaleViewsAsync(
        DefinitionSet current, long registryVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every piece of <paramref name="project"/>'s online data (every entity key of every view, the record of
    /// views written, materialization locks) wherever the store keeps it, and nothing of another project. Returns
    /// the number of keys deleted. Safe to repeat; the registry and the offline data are not the store's to touch.
    /// </summary>
    Task<long> RemoveProjectAsync(string project, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the per-(project, view) materialization lock, held until the result is disposed. Throws
    /// <see cref="MaterializationInProgressException"/> when another holder has it, unless <paramref name="wait"/>.
    /// </summary>
    Task<IAsyncDisposable> AcquireMaterializationLockAsync(
        string project, string view, MaterializationOptions options, bool wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every value the store holds for <paramref name="view"/>, one per entity key, in no particular order (for
    /// profiling what is served). Values written for another schema of the view are skipped. Streams: memory stays
    /// flat whatever the number of keys.
    /// </summary>
    IAsyncEnumerable<OnlineViewRow> ScanViewAsync(
        DefinitionSet definitions, FeatureViewDefinition view, CancellationToken cancellationToken = default);

    /// <summary>Whether the store answers now, within its timeout; never throws for an unreachable store.</summary>
    Task<OnlineStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default);
}
