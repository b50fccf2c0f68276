namespace FeatureStore.Core.Definitions;

/// <summary>One named, typed column of a feature view.</summary>
public sealed record FeatureDefinition
{
    public required string Name { get; init; }
    public required FeatureType Type { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Quality checks run before the feature's values are written online; null when there are none.</summary>
    public FeatureChecks? Checks { get; init; }
}
