using FeatureStore.Core.Catalog;
using FeatureStore.Core.Registry;
using FeatureStore.Server.Registry;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// The catalog of the registry version the server is serving (<see cref="ActiveDefinitions"/>, hot-reloaded by the
/// registry watcher), so the catalog never describes features the server would not serve. The history is re-read
/// only when the served version changes; materialization state is read per request, since runs happen between
/// applies.
/// </summary>
internal sealed class ServedCatalogSource(ActiveDefinitions active, IRegistry registry) : ICatalogSource
{
    private sealed record Cached(RegistryVersion? Version, IReadOnlyList<RegistryVersion> History, IReadOnlyList<ViewMaterializationState> State, FeatureCatalog Catalog);

    private volatile Cached? _cached;

    public async Task<FeatureCatalog> GetCatalogAsync(CancellationToken cancellationToken)
    {
        var served = active.Snapshot.Version;
        var state = await registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        var cached = _cached;
        if (cached is not null && ReferenceEquals(cached.Version, served))
        {
            if (cached.State.SequenceEqual(state))
            {
                return cached.Catalog;
            }
            var refreshed = new FeatureCatalog(new CatalogSnapshot(served, cached.History, state));
            _cached = cached with { State = state, Catalog = refreshed };
            return refreshed;
        }
        IReadOnlyList<RegistryVersion> history = served is null
            ? []
            // The registry may already hold a version the watcher has not swapped in yet; show history up to the served one.
            : (await registry.ListVersionsAsync(cancellationToken).ConfigureAwait(false)).Where(v => v.Number <= served.Number).ToArray();
        var catalog = new FeatureCatalog(new CatalogSnapshot(served, history, state));
        _cached = new Cached(served, history, state, catalog);
        return catalog;
    }
}
