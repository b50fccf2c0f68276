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

        var viewsBySource = drafts.FeatureViews.Where(v => v.Source is not null).ToLookup(v => v.Source!.Value.Value, StringComparer.Ordinal);
        var resolved = sources.ToDictionary(
            s => s,
            s => new SourceDefinition { Name = "_", Path = s.Path!.Value.Value, TimestampField = "_" }.ResolvePath(root));
        var schemas = await ReadSchemasAsync(resolved.Values.Distinct(StringComparer.Ordinal).ToArray(), cancellationToken);

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

    /// <summary>The columns of the Parquet files at a path; null columns mean no file matched, or reading failed (Error).</summary>
    private sealed record Schema(IReadOnlyDictionary<string, string>? Columns, string? Error);

    /// <summary>
    /// Reads each distinct path's schema once, a few paths at a time: reading a footer is I/O bound, so a repository with
    /// many sources does not wait for them one by one. Each worker has its own connection (connections are per thread).
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, Schema>> ReadSchemasAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, Schema>(StringComparer.Ordinal);
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(paths);
        await using var database = new DuckDBConnection("DataSource=:memory:");
        await database.OpenAsync(cancellationToken);
        var workers = Math.Clamp(Math.Min(Environment.ProcessorCount, paths.Count), 1, 8);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await using var connection = database.Duplicate();
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "SET TimeZone = 'UTC'", cancellationToken);
            while (queue.TryDequeue(out var path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[path] = await ReadSchemaAsync(connection, path, cancellationToken);
            }
        }, cancellationToken)));
        return results;
    }

    private static async Task<Schema> ReadSchemaAsync(DuckDBConnection connection, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using (var glob = connection.CreateCommand())
            {
                glob.CommandText = "SELECT count(*) FROM glob($path)";
                glob.Parameters.Add(new DuckDBParameter("path", path));
                if (Convert.ToInt64(await glob.ExecuteScalarAsync(cancellationToken)) == 0)
                {
                    return new Schema(null, null);
                }
            }
            await using var describe = connection.CreateCommand();
            describe.CommandText = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($path))";
            describe.Parameters.Add(new DuckDBParameter("path", path));
            var columns = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await describe.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
            return new Schema(columns, null);
        }
        catch (DbException ex)
        {
            return new Schema(null, FirstLine(ex.Message));
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
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
