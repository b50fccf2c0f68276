using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Everything a person needs to decide whether to use a feature view: its definition (schema, TTL, online flag,
/// owner, tags), its entities with their join keys, the source it reads, the registry version that last changed
/// it, the feature services that use it and how fresh its online data is (null when never materialized).
/// </summary>
public sealed record FeatureViewDetail(
    FeatureViewDefinition View,
    IReadOnlyList<EntityDefinition> Entities,
    SourceDefinition Source,
    VersionStamp? LastChangedIn,
    IReadOnlyList<string> UsedByServices,
    ViewFreshness? Freshness)
{
    public string Name => View.Name;
}
