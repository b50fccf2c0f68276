using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Catalog;

/// <summary>An entity and the feature views keyed by it (sorted by name).</summary>
public sealed record EntityEntry(EntityDefinition Entity, IReadOnlyList<string> FeatureViews);
