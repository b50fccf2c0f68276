using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// What a request writes to, resolved against the registry version being served: the views it feeds, the batch
/// source they read history from, and the data frame columns that takes: every join key and feature of those views
/// (names as the views use them) and the batch source's timestamp field (required) and created timestamp field
/// (optional: absent means none).
/// </summary>
internal sealed record PushTarget(
    string Description,
    SourceDefinition BatchSource,
    IReadOnlyList<FeatureViewDefinition> Views,
    IReadOnlyList<PushTargetColumn> Columns)
{
    /// <summary>Every view on a push source (their union of columns is pushed offline; online views are written online).</summary>
    public static PushTarget ForPushSource(DefinitionSet definitions, string name)
    {
        var source = definitions.Sources.FirstOrDefault(s => s.Name == name);
        if (source is null || !source.IsPush)
        {
            var pushSources = definitions.Sources.Where(s => s.IsPush).Select(s => s.Name).Order(StringComparer.Ordinal).ToArray();
            throw new UserInputException(
                (source is null ? $"Unknown push source '{name}'" : $"Source '{name}' is a Parquet source, not a push source (type: push)") +
                (pushSources.Length == 0 ? "; the registry being served defines no push source." : $"; push sources: {string.Join(", ", pushSources)}."));
        }
        var views = definitions.ViewsOf(source);
        if (views.Count == 0)
        {
            throw new UserInputException($"Push source '{name}' feeds no feature view, so a push would write nothing; add a view with 'source: {name}'.");
        }
        return Create(definitions, $"push source '{name}'", definitions.BatchSourceOf(source), views);
    }

    /// <summary>One view, which must be served online.</summary>
    public static PushTarget ForView(DefinitionSet definitions, string name)
    {
        var view = definitions.FeatureViews.FirstOrDefault(v => v.Name == name)
                   ?? throw new UserInputException($"Unknown feature view '{name}'" +
                      (definitions.FeatureViews.Count == 0 ? "; the registry being served defines none." : $"; feature views: {string.Join(", ", definitions.FeatureViews.Select(v => v.Name))}."));
        view.EnsureServedOnline();
        return Create(definitions, $"feature view '{name}'", definitions.GetBatchSource(view), [view]);
    }

    private static PushTarget Create(DefinitionSet definitions, string description, SourceDefinition batch, IReadOnlyList<FeatureViewDefinition> views)
    {
        var columns = new List<PushTargetColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string name, FeatureType type, PushColumnRole role)
        {
            if (seen.Add(name))
            {
                columns.Add(new PushTargetColumn(name, type, role));
            }
        }
        foreach (var view in views)
        {
            foreach (var entity in definitions.EntitiesOf(view))
            {
                Add(entity.JoinKey, entity.ValueType, PushColumnRole.JoinKey);
            }
        }
        Add(batch.TimestampField, new FeatureType(ScalarType.Timestamp), PushColumnRole.EventTimestamp);
        if (batch.CreatedTimestampField is { } created)
        {
            Add(created, new FeatureType(ScalarType.Timestamp), PushColumnRole.CreatedTimestamp);
        }
        foreach (var view in views)
        {
            foreach (var feature in view.Features)
            {
                Add(feature.Name, feature.Type, PushColumnRole.Feature);
            }
        }
        return new PushTarget(description, batch, views, columns);
    }
}

/// <summary>One column a target takes.</summary>
internal sealed record PushTargetColumn(string Name, FeatureType Type, PushColumnRole Role);

/// <summary>What a column is for, which decides whether it may be absent or hold nulls.</summary>
internal enum PushColumnRole
{
    JoinKey,
    EventTimestamp,
    CreatedTimestamp,
    Feature,
}
