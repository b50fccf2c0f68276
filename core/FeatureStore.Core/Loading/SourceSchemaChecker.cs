using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Checks definitions against the data they will read: reads each source's schema once through the offline engine's
/// <see cref="ISourceSchemaReader"/> and reports paths matching no file, columns that are missing, and columns whose
/// type the declaration cannot hold.
/// </summary>
internal sealed class SourceSchemaChecker(ISourceSchemaReader reader)
{
    public async Task CheckAsync(string root, DraftSet drafts, ProblemList problems, CancellationToken cancellationToken)
    {
        var sources = drafts.Sources
            .Where(s => !s.IsPush && s.Name is not null && s.Path is not null)
            .GroupBy(s => s.Name!.Value.Value, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToArray();
        if (sources.Length == 0)
        {
            return;
        }
        var entities = drafts.Entities
            .Where(e => e.Name is not null)
            .GroupBy(e => e.Name!.Value.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // A view on a push source reads its batch source's files, so it is checked against them.
        var batchOfPush = drafts.Sources
            .Where(s => s.IsPush && s.Name is not null && s.BatchSource is not null)
            .GroupBy(s => s.Name!.Value.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().BatchSource!.Value.Value, StringComparer.Ordinal);
        var viewsBySource = drafts.FeatureViews
            .Where(v => v.Source is not null)
            .ToLookup(v => batchOfPush.GetValueOrDefault(v.Source!.Value.Value, v.Source!.Value.Value), StringComparer.Ordinal);
        var resolved = sources.ToDictionary(
            s => s,
            s => new SourceDefinition { Name = "_", Path = s.Path!.Value.Value, TimestampField = "_" }.ResolvePath(root));
        var schemas = await reader.ReadAsync(resolved.Values.Distinct(StringComparer.Ordinal).ToArray(), cancellationToken);

        foreach (var source in sources)
        {
            var name = source.Name!.Value.Value;
            var path = source.Path!.Value;
            var schema = schemas[resolved[source]];
            if (schema.Columns is not { } columns)
            {
                problems.Add(path.Location, schema.Error is null
                    ? $"path '{path.Value}' of source '{name}' matches no file (looked for {resolved[source]})"
                    : $"cannot read the Parquet files of source '{name}' at '{path.Value}': {schema.Error}");
                continue;
            }
            CheckSourceColumns(source, name, columns, problems);
            foreach (var view in viewsBySource[name])
            {
                CheckView(view, source, name, columns, entities, problems);
            }
        }
    }

    private void CheckSourceColumns(SourceDraft source, string name, IReadOnlyDictionary<string, string> columns, ProblemList problems)
    {
        foreach (var field in new[] { (Key: "timestamp_field", Value: source.TimestampField), (Key: "created_timestamp_field", Value: source.CreatedTimestampField) })
        {
            if (field.Value is not { } column)
            {
                continue;
            }
            if (!columns.TryGetValue(column.Value, out var type))
            {
                problems.Add(column.Location, $"{field.Key} '{column.Value}' of source '{name}' is not a column of its files{Hint(column.Value, columns)}");
            }
            else if (!reader.IsTimestamp(type))
            {
                problems.Add(column.Location,
                    $"{field.Key} '{column.Value}' of source '{name}' is {type} in the files; it must be a TIMESTAMP, TIMESTAMPTZ or DATE");
            }
        }
        foreach (var (column, location) in source.FieldMappingLocations)
        {
            if (!columns.ContainsKey(column))
            {
                problems.Add(location, $"field_mapping of source '{name}' maps column '{column}', which is not a column of its files{Hint(column, columns)}");
            }
        }
    }

    private void CheckView(
        FeatureViewDraft view, SourceDraft source, string sourceName, IReadOnlyDictionary<string, string> columns,
        IReadOnlyDictionary<string, EntityDraft> entities, ProblemList problems)
    {
        var what = view.Name is { } n ? $"feature view '{n.Value}'" : "this feature view";
        foreach (var reference in view.Entities)
        {
            if (!entities.TryGetValue(reference.Value, out var entity) || entity.JoinKey is not { } joinKey)
            {
                continue;
            }
            var column = ColumnFor(source, joinKey.Value);
            if (!columns.TryGetValue(column, out var type))
            {
                problems.Add(reference.Location,
                    $"join key '{joinKey.Value}' of entity '{reference.Value}' is not a column of source '{sourceName}'{Mapped(column, joinKey.Value)}{Hint(column, columns)}");
            }
            else if (entity.ValueType is { } valueType && !reader.CanHold(valueType.Value, type))
            {
                problems.Add(reference.Location,
                    $"join key '{joinKey.Value}' of entity '{reference.Value}' is declared {valueType.Value} but column '{column}' of source '{sourceName}' is {type}{Declare(type)}");
            }
        }
        foreach (var feature in view.Features)
        {
            if (feature.Name is not { } featureName)
            {
                continue;
            }
            var column = ColumnFor(source, featureName.Value);
            if (!columns.TryGetValue(column, out var type))
            {
                problems.Add(featureName.Location,
                    $"feature '{featureName.Value}' of {what} is not a column of source '{sourceName}'{Mapped(column, featureName.Value)}{Hint(column, columns)}");
            }
            else if (feature.Type is { } declared && !reader.CanHold(declared.Value, type))
            {
                problems.Add(declared.Location,
                    $"feature '{featureName.Value}' of {what} is declared {declared.Value} but column '{column}' of source '{sourceName}' is {type}, which {declared.Value} cannot hold{Declare(type)}");
            }
        }
    }

    private static string ColumnFor(SourceDraft source, string name)
    {
        foreach (var (column, target) in source.FieldMapping)
        {
            if (target == name)
            {
                return column;
            }
        }
        return name;
    }

    private static string Mapped(string column, string name) => column == name ? "" : $" (column '{column}' by field_mapping)";

    private static string Hint(string column, IReadOnlyDictionary<string, string> columns)
    {
        var suggestion = NameSuggester.DidYouMean(column, columns.Keys);
        return suggestion.Length > 0 ? suggestion : $" (columns: {string.Join(", ", columns.Keys.Take(20))}{(columns.Count > 20 ? ", ..." : "")})";
    }

    private string Declare(string columnType) =>
        reader.NaturalType(columnType) is { } natural ? $"; declare it {natural} or convert the column" : "";
}
