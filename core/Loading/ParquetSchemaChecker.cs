using System.Data.Common;
using FeatureStore.Core.Definitions;
using DuckDB.NET.Data;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Checks definitions against the data they will read: reads each source's Parquet schema once through DuckDB and
/// reports paths matching no file, columns that are missing, and columns whose type the declaration cannot hold.
/// </summary>
internal static class ParquetSchemaChecker
{
    public static async Task CheckAsync(string root, DraftSet drafts, ProblemList problems, CancellationToken cancellationToken)
    {
        var sources = drafts.Sources
            .Where(s => s.Name is not null && s.Path is not null)
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

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "SET TimeZone = 'UTC'";
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var source in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = source.Name!.Value.Value;
            var columns = await ReadSchemaAsync(connection, root, source, problems, cancellationToken);
            if (columns is null)
            {
                continue;
            }
            CheckSourceColumns(source, name, columns, problems);
            foreach (var view in drafts.FeatureViews.Where(v => v.Source?.Value == name))
            {
                CheckView(view, source, name, columns, entities, problems);
            }
        }
    }

    /// <summary>Column name to DuckDB type, or null after reporting why the files could not be read.</summary>
    private static async Task<IReadOnlyDictionary<string, string>?> ReadSchemaAsync(
        DuckDBConnection connection, string root, SourceDraft source, ProblemList problems, CancellationToken cancellationToken)
    {
        var path = source.Path!.Value;
        var what = $"source '{source.Name!.Value.Value}'";
        var resolved = new SourceDefinition { Name = "_", Path = path.Value, TimestampField = "_" }.ResolvePath(root);
        try
        {
            await using (var glob = connection.CreateCommand())
            {
                glob.CommandText = "SELECT count(*) FROM glob($path)";
                glob.Parameters.Add(new DuckDBParameter("path", resolved));
                var count = Convert.ToInt64(await glob.ExecuteScalarAsync(cancellationToken));
                if (count == 0)
                {
                    problems.Add(path.Location, $"path '{path.Value}' of {what} matches no file (looked for {resolved})");
                    return null;
                }
            }
            await using var describe = connection.CreateCommand();
            describe.CommandText = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($path))";
            describe.Parameters.Add(new DuckDBParameter("path", resolved));
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await describe.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
            return columns;
        }
        catch (DbException ex)
        {
            problems.Add(path.Location, $"cannot read the Parquet files of {what} at '{path.Value}': {FirstLine(ex.Message)}");
            return null;
        }
    }

    private static void CheckSourceColumns(SourceDraft source, string name, IReadOnlyDictionary<string, string> columns, ProblemList problems)
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
            else if (!ParquetTypeCompatibility.IsTimestamp(type))
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

    private static void CheckView(
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
            else if (entity.ValueType is { } valueType && !ParquetTypeCompatibility.CanHold(valueType.Value, type))
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
            else if (feature.Type is { } declared && !ParquetTypeCompatibility.CanHold(declared.Value, type))
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

    private static string Declare(string columnType) =>
        ParquetTypeCompatibility.NaturalType(columnType) is { } natural ? $"; declare it {natural} or convert the column" : "";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
