using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// A feature service with its entries expanded to single features (bare view names become all of the view's
/// features), and the views it reads, in first-use order.
/// </summary>
public sealed record FeatureServiceEntry(
    FeatureServiceDefinition Service,
    IReadOnlyList<FeatureReference> Features,
    IReadOnlyList<string> FeatureViews);
