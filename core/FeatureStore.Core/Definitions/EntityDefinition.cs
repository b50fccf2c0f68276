using System.Text.Json.Serialization;

namespace FeatureStore.Core.Definitions;

/// <summary>A thing features describe (a driver, a customer), identified by one join-key column.</summary>
public sealed record EntityDefinition
{
    public required string Name { get; init; }
    public required string JoinKey { get; init; }
    public required FeatureType ValueType { get; init; }
    public string? Description { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where it was defined; not part of its identity, so it is not stored in the registry.</summary>
    [JsonIgnore]
    public SourceLocation? Location { get; init; }
}
