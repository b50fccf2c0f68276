using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>
/// The checks that need every file at once: names unique across files, and every reference (view → entity, view →
/// source, service → view/feature) pointing at something that exists, with the closest existing name suggested.
/// </summary>
internal static class DefinitionValidator
{
    public static void Validate(DraftSet drafts, ProblemList problems)
    {
        var entities = Unique(drafts.Entities, e => e.Name, e => e.Location, "entity", problems);
        var sources = Unique(drafts.Sources, s => s.Name, s => s.Location, "source", problems);
        var views = Unique(drafts.FeatureViews, v => v.Name, v => v.Location, "feature view", problems);
        Unique(drafts.FeatureServices, s => s.Name, s => s.Location, "feature service", problems);
        ValidatePushSources(drafts, sources, entities, problems);

        foreach (var view in drafts.FeatureViews)
        {
            var what = view.Name is { } n ? $"feature view '{n.Value}'" : "this feature view";
            var joinKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var reference in view.Entities)
            {
                if (!entities.TryGetValue(reference.Value, out var entity))
                {
                    problems.Add(reference.Location,
                        $"{what} uses unknown entity '{reference.Value}'{NameSuggester.DidYouMean(reference.Value, entities.Keys)}");
                    continue;
                }
                if (entity.JoinKey is not { } joinKey)
                {
                    continue;
                }
                if (joinKeys.TryGetValue(joinKey.Value, out var other) && other != reference.Value)
                {
                    problems.Add(reference.Location,
                        $"{what} uses entities '{other}' and '{reference.Value}' that share the join key '{joinKey.Value}'");
                }
                joinKeys.TryAdd(joinKey.Value, reference.Value);
            }
            if (view.Source is { } source && !sources.ContainsKey(source.Value))
            {
                problems.Add(source.Location,
                    $"{what} reads unknown source '{source.Value}'{NameSuggester.DidYouMean(source.Value, sources.Keys)}");
            }
            foreach (var feature in view.Features)
            {
                if (feature.Name is { } featureName && joinKeys.TryGetValue(featureName.Value, out var entityName))
                {
                    problems.Add(featureName.Location,
                        $"feature '{featureName.Value}' of {what} has the name of the join key of entity '{entityName}'; rename the feature");
                }
            }
        }

        foreach (var service in drafts.FeatureServices)
        {
            var what = service.Name is { } n ? $"feature service '{n.Value}'" : "this feature service";
            // The same entry twice is a slip; a whole view next to one of its features is allowed (it reads as "all of it").
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var reference in service.Features)
            {
                if (!listed.Add(reference.Value.Trim()))
                {
                    problems.Add(reference.Location, $"{what} lists '{reference.Value.Trim()}' more than once");
                    continue;
                }
                CheckServiceReference(reference, what, views, problems);
            }
            if (service.Logging is not null)
            {
                CheckLoggedKeys(service, what, views, entities, problems);
            }
        }
    }

    /// <summary>A logged service's join keys become log columns, so none may take the name of a column every log has.</summary>
    private static void CheckLoggedKeys(
        FeatureServiceDraft service, string what, IReadOnlyDictionary<string, FeatureViewDraft> views,
        IReadOnlyDictionary<string, EntityDraft> entities, ProblemList problems)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in service.Features)
        {
            var viewName = reference.Value.Trim().Split(':')[0];
            if (!views.TryGetValue(viewName, out var view))
            {
                continue;
            }
            foreach (var entity in view.Entities)
            {
                if (entities.TryGetValue(entity.Value, out var draft) && draft.JoinKey is { } joinKey
                    && Logging.LogColumns.IsReserved(joinKey.Value) && reported.Add(joinKey.Value))
                {
                    problems.Add(service.Location,
                        $"{what} is logged, but join key '{joinKey.Value}' of entity '{entity.Value}' has the name of a column every log has " +
                        $"({string.Join(", ", Logging.LogColumns.Reserved)}); rename the join key or remove logging");
                }
            }
        }
    }

    /// <summary>
    /// A push source names an existing Parquet source as its batch source (so a push source is never a batch source),
    /// and the views it feeds agree on the type of every column they share: a pushed column has one type.
    /// </summary>
    private static void ValidatePushSources(
        DraftSet drafts, IReadOnlyDictionary<string, SourceDraft> sources, IReadOnlyDictionary<string, EntityDraft> entities, ProblemList problems)
    {
        foreach (var source in sources.Values.Where(s => s.IsPush))
        {
            var what = $"push source '{source.Name!.Value.Value}'";
            if (source.BatchSource is not { } batch)
            {
                continue;
            }
            if (!sources.TryGetValue(batch.Value, out var batchSource))
            {
                problems.Add(batch.Location,
                    $"{what} names unknown batch_source '{batch.Value}'{NameSuggester.DidYouMean(batch.Value, sources.Values.Where(s => !s.IsPush).Select(s => s.Name!.Value.Value))}");
            }
            else if (batchSource.IsPush)
            {
                problems.Add(batch.Location,
                    $"{what} names push source '{batch.Value}' as its batch_source; a batch_source must be a Parquet source (a push source cannot be one)");
            }

            var columns = new Dictionary<string, (FeatureType Type, string Owner)>(StringComparer.Ordinal);
            foreach (var view in drafts.FeatureViews.Where(v => v.Source?.Value == source.Name!.Value.Value && v.Name is not null))
            {
                var viewName = view.Name!.Value.Value;
                foreach (var reference in view.Entities)
                {
                    if (entities.TryGetValue(reference.Value, out var entity) && entity.JoinKey is { } joinKey && entity.ValueType is { } keyType)
                    {
                        Agree(joinKey.Value, keyType.Value, $"join key of entity '{reference.Value}' in feature view '{viewName}'", reference.Location);
                    }
                }
                foreach (var feature in view.Features)
                {
                    if (feature.Name is { } featureName && feature.Type is { } featureType)
                    {
                        Agree(featureName.Value, featureType.Value, $"feature '{featureName.Value}' of feature view '{viewName}'", featureType.Location);
                    }
                }
            }

            void Agree(string column, FeatureType type, string owner, SourceLocation location)
            {
                if (!columns.TryGetValue(column, out var first))
                {
                    columns[column] = (type, owner);
                }
                else if (first.Type != type)
                {
                    problems.Add(location,
                        $"{owner} is {type}, but {first.Owner} is {first.Type}; both read column '{column}' of {what}, and a pushed column has one type");
                }
            }
        }
    }

    private static void CheckServiceReference(
        Located<string> reference, string what, IReadOnlyDictionary<string, FeatureViewDraft> views, ProblemList problems)
    {
        var text = reference.Value.Trim();
        string viewName;
        string? featureName = null;
        if (!text.Contains(':'))
        {
            viewName = text;
        }
        else if (FeatureReference.TryParse(text, out var parsed))
        {
            viewName = parsed.View;
            featureName = parsed.Feature;
        }
        else
        {
            problems.Add(reference.Location, $"{what} lists '{reference.Value}', which is not a feature reference; write view:feature or a view name");
            return;
        }
        if (!views.TryGetValue(viewName, out var view))
        {
            problems.Add(reference.Location,
                $"{what} uses unknown feature view '{viewName}'{NameSuggester.DidYouMean(viewName, views.Keys)}");
            return;
        }
        if (featureName is null)
        {
            return;
        }
        var featureNames = view.Features.Where(f => f.Name is not null).Select(f => f.Name!.Value.Value).ToArray();
        if (!featureNames.Contains(featureName, StringComparer.Ordinal))
        {
            problems.Add(reference.Location,
                $"{what} uses unknown feature '{featureName}' of feature view '{viewName}'{NameSuggester.DidYouMean(featureName, featureNames)}");
        }
    }

    /// <summary>The first definition of each name; every later one is reported with both places named.</summary>
    private static Dictionary<string, T> Unique<T>(
        IEnumerable<T> items, Func<T, Located<string>?> name, Func<T, SourceLocation> location, string kind, ProblemList problems)
    {
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (name(item) is not { } n)
            {
                continue;
            }
            if (first.TryGetValue(n.Value, out var earlier))
            {
                problems.Add(n.Location, $"duplicate {kind} '{n.Value}': also defined at {location(earlier)}");
                continue;
            }
            first[n.Value] = item;
        }
        return first;
    }
}
