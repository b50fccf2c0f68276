using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Builds the pinned model from drafts that passed every check. Objects are ordered by name so the same definitions
/// give the same set (and the same registry hash) however they are spread over files.
/// </summary>
internal static class DefinitionSetBuilder
{
    /// <summary>
    /// <paramref name="defaultSchedule"/> (featurestore.yaml's <c>materialization.schedule</c>) is recorded on every
    /// online view without a schedule of its own, so the registry alone says when each view runs.
    /// </summary>
    public static DefinitionSet Build(string project, DraftSet drafts, string? defaultSchedule = null) => new()
    {
        Project = project,
        Entities = drafts.Entities.Select(e => new EntityDefinition
        {
            Name = e.Name!.Value.Value,
            JoinKey = e.JoinKey!.Value.Value,
            ValueType = e.ValueType!.Value.Value,
            Description = e.Description,
            Owner = e.Owner,
            Tags = e.Tags,
            Location = e.Location,
        }).OrderBy(e => e.Name, StringComparer.Ordinal).ToArray(),
        Sources = drafts.Sources.Select(s => new SourceDefinition
        {
            Name = s.Name!.Value.Value,
            Path = s.IsPush ? "" : s.Path!.Value.Value,
            TimestampField = s.IsPush ? "" : s.TimestampField!.Value.Value,
            CreatedTimestampField = s.CreatedTimestampField?.Value,
            BatchSource = s.IsPush ? s.BatchSource!.Value.Value : null,
            FieldMapping = s.FieldMapping,
            Description = s.Description,
            Owner = s.Owner,
            Tags = s.Tags,
            Location = s.Location,
        }).OrderBy(s => s.Name, StringComparer.Ordinal).ToArray(),
        FeatureViews = drafts.FeatureViews.Select(v => new FeatureViewDefinition
        {
            Name = v.Name!.Value.Value,
            Entities = v.Entities.Select(e => e.Value).ToArray(),
            Source = v.Source!.Value.Value,
            Ttl = v.Ttl,
            Online = v.Online,
            Owner = v.Owner,
            Description = v.Description,
            Tags = v.Tags,
            Features = v.Features.Select(f => new FeatureDefinition
            {
                Name = f.Name!.Value.Value,
                Type = f.Type!.Value.Value,
                Description = f.Description,
                Tags = f.Tags,
                Checks = f.Checks,
            }).ToArray(),
            Schedule = v.Schedule ?? (v.Online ? defaultSchedule : null),
            Checks = v.Checks,
            Reference = v.Reference,
            Location = v.Location,
        }).OrderBy(v => v.Name, StringComparer.Ordinal).ToArray(),
        FeatureServices = drafts.FeatureServices.Select(s => new FeatureServiceDefinition
        {
            Name = s.Name!.Value.Value,
            Description = s.Description,
            Owner = s.Owner,
            Tags = s.Tags,
            Features = s.Features.Select(f => f.Value.Trim()).ToArray(),
            Logging = s.Logging,
            Location = s.Location,
        }).OrderBy(s => s.Name, StringComparer.Ordinal).ToArray(),
    };
}
