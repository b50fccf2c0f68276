using FeatureStore.Core.Catalog;
using FeatureStore.Core.Registry;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Reads the catalog from an <see cref="IRegistry"/>. The history is re-read only when the current version or the
/// materialization state changed since the last call, so browsing does not re-parse every version per request
/// and an apply or a materialization run shows up on the next request.
/// </summary>
internal sealed class RegistryCatalogSource(IRegistry registry) : ICatalogSource
{
    private sealed record Cached(int? Version, string? Hash, IReadOnlyList<ViewMaterializationState> State, FeatureCatalog Catalog);

    private volatile Cached? _cached;

    public async Task<FeatureCatalog> GetCatalogAsync(CancellationToken cancellationToken)
    {
        var current = await registry.GetCurrentAsync(cancellationToken).ConfigureAwait(false);
        var state = await registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        var cached = _cached;
        if (cached is not null && cached.Version == current?.Number && cached.Hash == current?.Hash && cached.State.SequenceEqual(state))
        {
            return cached.Catalog;
        }
        var versions = current is null ? [] : await registry.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        // The history may have moved on between the two reads; show the newest version it holds.
        var shown = versions.Count > 0 ? versions[^1] : current;
        var catalog = new FeatureCatalog(new CatalogSnapshot(shown, versions, state));
        _cached = new Cached(shown?.Number, shown?.Hash, state, catalog);
        return catalog;
    }
}
