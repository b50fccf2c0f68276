using System.Text.Json.Serialization;

namespace FeatureStore.Core.Definitions;

/// <summary>
/// The set of features one model consumes, so serving and training ask for them by one name.
/// Each entry is <c>view:feature</c> or a bare <c>view</c> meaning all of its features.
/// </summary>
public sealed record FeatureServiceDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Served-feature logging of this service; null (the default) means it is not logged.</summary>
    public FeatureServiceLogging? Logging { get; init; }

    [JsonIgnore]
    public SourceLocation? Location { get; init; }
}
