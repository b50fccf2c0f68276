using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Everything the catalog reads, taken at one moment: the current registry version, the full history and the
/// materialization state. Queries run over one snapshot so a page never mixes two registry versions.
/// </summary>
public sealed record CatalogSnapshot(
    RegistryVersion? Current,
    IReadOnlyList<RegistryVersion> Versions,
    IReadOnlyList<ViewMaterializationState> Materialization)
{
    public static CatalogSnapshot Empty { get; } = new(null, [], []);

    /// <summary>
    /// Why the registry cannot be read right now, while a server keeps showing <see cref="Current"/>, the last good
    /// version; null when it reads fine.
    /// </summary>
    public string? RegistryProblem { get; init; }

    /// <summary>Reads one consistent snapshot from a registry.</summary>
    public static async Task<CatalogSnapshot> ReadAsync(IRegistry registry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var versions = await registry.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        var state = await registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false);
        return new CatalogSnapshot(versions.Count == 0 ? null : versions[^1], versions, state);
    }
}
