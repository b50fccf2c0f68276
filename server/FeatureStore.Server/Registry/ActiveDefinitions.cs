using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;
using FeatureStore.Server.Serving;

namespace FeatureStore.Server.Registry;

/// <summary>
/// The registry version the server currently serves. Requests take one <see cref="Snapshot"/> and use it
/// throughout, so a reload swaps everything at once and no request ever mixes two versions; nothing outside the
/// applied registry can be served because references are resolved against this snapshot only.
/// </summary>
public sealed class ActiveDefinitions
{
    private volatile ServingSnapshot _current;

    public ActiveDefinitions(string project)
    {
        _current = new ServingSnapshot(null, new DefinitionSet { Project = project });
    }

    public ServingSnapshot Snapshot => _current;

    private volatile string? _problem;

    /// <summary>
    /// Why the registry could not be read at the last check, while <see cref="Snapshot"/> keeps the last good version
    /// (health reports it as degraded, the catalog shows it); null when it reads fine.
    /// </summary>
    public string? Problem => _problem;

    internal void ReportProblem(string? problem) => _problem = problem;

    /// <summary>Raised after a new version was swapped in.</summary>
    public event Action<RegistryVersion>? Changed;

    /// <summary>Swaps in <paramref name="version"/> when it differs from the one served; true when it did.</summary>
    internal bool TryApply(RegistryVersion version)
    {
        var current = _current.Version;
        if (current is not null && current.Number == version.Number && current.Hash == version.Hash)
        {
            return false;
        }
        _current = new ServingSnapshot(version, version.Definitions);
        Changed?.Invoke(version);
        return true;
    }
}

/// <summary>
/// One applied registry version as served, or no version (nothing applied yet: every feature is unknown), with the
/// caches that are only valid for it: they live and die with the snapshot, so a new version starts empty.
/// </summary>
public sealed record ServingSnapshot(RegistryVersion? Version, DefinitionSet Definitions)
{
    /// <summary>Feature lists already resolved against <see cref="Definitions"/>.</summary>
    internal ResolvedFeaturesCache ResolvedFeatures { get; } = new();
}
