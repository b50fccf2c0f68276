using FeatureStore.Core.Catalog;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Hands the catalog endpoints a <see cref="FeatureCatalog"/> over the registry as it is now. One call = one
/// consistent snapshot, so a response never mixes two registry versions.
/// </summary>
public interface ICatalogSource
{
    Task<FeatureCatalog> GetCatalogAsync(CancellationToken cancellationToken);
}
