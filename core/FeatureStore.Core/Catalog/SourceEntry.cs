using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Catalog;

/// <summary>A data source and the feature views that read it (sorted by name).</summary>
public sealed record SourceEntry(SourceDefinition Source, IReadOnlyList<string> FeatureViews);
