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
    private sealed record Cached(RegistryVersion? Version, IReadOnlyList<RegistryVersion> History, IReadOnlyList<ViewMaterializationState> State, string? Problem, FeatureCatalog Catalog);

    private volatile Cached? _cached;

    public async Task<FeatureCatalog> GetCatalogAsync(CancellationToken cancellationToken)
    {
        var served = active.Snapshot.Version;
        var problem = active.Problem;
        var state = await registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        var cached = _cached;
        if (cached is not null && ReferenceEquals(cached.Version, served))
        {
            if (cached.State.SequenceEqual(state) && cached.Problem == problem)
            {
                return cached.Catalog;
            }
            var refreshed = new FeatureCatalog(new CatalogSnapshot(served, cached.History, state) { RegistryProblem = problem });
            _cached = cached with { State = state, Problem = problem, Catalog = refreshed };
            return refreshed;
        }
        var history = served is null ? [] : await HistoryUpToAsync(served, cancellationToken).ConfigureAwait(false);
        var catalog = new FeatureCatalog(new CatalogSnapshot(served, history, state) { RegistryProblem = problem });
        _cached = new Cached(served, history, state, problem, catalog);
        return catalog;
    }

    /// <summary>
    /// The history up to the served version (the registry may already hold one the watcher has not swapped in yet).
    /// A damaged version file makes the history unreadable; the served version alone is shown then, as the registry
    /// watcher reports the damage.
    /// </summary>
    private async Task<IReadOnlyList<RegistryVersion>> HistoryUpToAsync(RegistryVersion served, CancellationToken cancellationToken)
    {
        try
        {
            return (await registry.ListVersionsAsync(cancellationToken).ConfigureAwait(false)).Where(v => v.Number <= served.Number).ToArray();
        }
        catch (RegistryDamagedException)
        {
            return [served];
        }
    }
}
