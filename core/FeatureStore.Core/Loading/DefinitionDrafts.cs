using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

// The parsed, not yet validated form of the definitions. Every value keeps where it was written so cross-file checks
// (duplicates, references, Parquet schemas) can point at the exact line; a value that could not be read is null, so
// checks skip it instead of reporting the same mistake twice.

internal sealed record EntityDraft(
    SourceLocation Location,
    Located<string>? Name,
    Located<string>? JoinKey,
    Located<FeatureType>? ValueType,
    string? Description,
    string? Owner,
    IReadOnlyDictionary<string, string> Tags);

internal sealed record SourceDraft(
    SourceLocation Location,
    Located<string>? Name,
    Located<string>? Path,
    Located<string>? TimestampField,
    Located<string>? CreatedTimestampField,
    IReadOnlyDictionary<string, string> FieldMapping,
    IReadOnlyDictionary<string, SourceLocation> FieldMappingLocations,
    string? Description,
    string? Owner,
    IReadOnlyDictionary<string, string> Tags)
{
    /// <summary>A push source (<c>type: push</c>): no path or timestamp fields of its own.</summary>
    public bool IsPush { get; init; }

    /// <summary>The Parquet source a push source's views read history from.</summary>
    public Located<string>? BatchSource { get; init; }
}

internal sealed record FeatureDraft(
    SourceLocation Location,
    Located<string>? Name,
    Located<FeatureType>? Type,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    FeatureChecks? Checks);

internal sealed record FeatureViewDraft(
    SourceLocation Location,
    Located<string>? Name,
    IReadOnlyList<Located<string>> Entities,
    Located<string>? Source,
    TimeSpan Ttl,
    bool Online,
    string? Owner,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<FeatureDraft> Features,
    ViewChecks? Checks,
    string? Reference,
    string? Schedule = null);

internal sealed record FeatureServiceDraft(
    SourceLocation Location,
    Located<string>? Name,
    string? Description,
    string? Owner,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<Located<string>> Features,
    FeatureServiceLogging? Logging = null);

/// <summary>Everything parsed from all definition files of a repository.</summary>
internal sealed class DraftSet
{
    public List<EntityDraft> Entities { get; } = [];
    public List<SourceDraft> Sources { get; } = [];
    public List<FeatureViewDraft> FeatureViews { get; } = [];
    public List<FeatureServiceDraft> FeatureServices { get; } = [];

    public void Add(DraftSet other)
    {
        Entities.AddRange(other.Entities);
        Sources.AddRange(other.Sources);
        FeatureViews.AddRange(other.FeatureViews);
        FeatureServices.AddRange(other.FeatureServices);
    }
}
