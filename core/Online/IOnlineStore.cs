namespace FeatureStore.Core.Online;

/// <summary>
/// Low-latency store of the latest materialized value per entity and view. Redis today; the interface leaves room
/// for Redis Cluster or another engine. The write side is added by the materializer work.
/// </summary>
public interface IOnlineStore
{
    /// <summary>
    /// Reads the requested features for every entity row in one round trip. Unknown features or views throw
    /// <see cref="Errors.NotFoundException"/>; malformed requests (missing join key, wrong key type, column length
    /// mismatch) throw <see cref="Errors.UserInputException"/>; an unreachable store throws
    /// <see cref="Errors.StoreUnavailableException"/> within a bounded time. A request with no entity rows is answered
    /// (empty columns) without contacting the store.
    /// </summary>
    Task<OnlineReadResult> ReadAsync(OnlineReadRequest request, CancellationToken cancellationToken = default);
}
