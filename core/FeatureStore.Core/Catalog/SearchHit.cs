using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Catalog;

/// <summary>What a search hit is: a whole feature view, or one feature of a view.</summary>
public enum SearchHitKind
{
    FeatureView,
    Feature,
}

/// <summary>Why an object matched, best first; the order is the ranking.</summary>
public enum SearchMatch
{
    ExactName,
    NamePrefix,
    NameSubstring,
    Description,
    Tag,
    Owner,
}

/// <summary>
/// One search result. <see cref="Feature"/> and <see cref="Type"/> are set for feature hits; <see cref="Reference"/>
/// is <c>view</c> or <c>view:feature</c>, the spelling serving and training accept.
/// </summary>
public sealed record SearchHit(
    SearchHitKind Kind,
    string View,
    string? Feature,
    SearchMatch Match,
    FeatureType? Type,
    string? Description,
    string? Owner,
    IReadOnlyDictionary<string, string> Tags)
{
    public string Reference => Feature is null ? View : $"{View}:{Feature}";

    /// <summary>
    /// Description, tag and owner matches rank the same: they all say "mentioned", not "named".
    /// </summary>
    internal int Rank => Match <= SearchMatch.NameSubstring ? (int)Match : (int)SearchMatch.Description;
}
