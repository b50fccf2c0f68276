using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Reads a CSV entity file strictly (header row, comma, double quotes) into a Parquet file in the temp folder, keeping
/// row order, so the join has one input format and a row number. Join-key columns are read as text and must parse
/// exactly as the entity's declared type: a cast would round <c>1001.5</c> to 1002 and join another entity's features.
/// Text keys stay text (ids like 007 keep their zeros).
/// </summary>
internal static class CsvEntityFile
{
    private const string Options = "header = true, delim = ',', quote = '\"', escape = '\"', skip = 0, strict_mode = true";

    public static async Task<string> ConvertAsync(
        DuckDBConnection connection, TrainingSetRequest request, string entityPath, string tempDirectory, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?> { ["entities"] = entityPath };
        try
        {
            var detected = await DuckDbCommands.DescribeAsync(connection, $"read_csv($entities, {Options})", parameters, cancellationToken);
            var keys = KeyColumns(request, detected);
            var asText = keys.Count == 0
                ? ""
                : $", types = {{{string.Join(", ", keys.Select(k => $"{SqlIdentifier.Literal(k.Column)}: 'VARCHAR'"))}}}";
            var source = $"read_csv($entities, {Options}{asText})";
            foreach (var key in keys)
            {
                await CheckKeyColumnAsync(connection, source, parameters, key, entityPath, cancellationToken);
            }
            var casts = keys.Where(k => k.Type.Scalar != ScalarType.String)
                .Select(k => $"CAST({SqlIdentifier.Quote(k.Column)} AS {DuckDbTypes.SqlType(k.Type)}) AS {SqlIdentifier.Quote(k.Column)}")
                .ToArray();
            var select = casts.Length == 0 ? "*" : $"* REPLACE ({string.Join(", ", casts)})";
            var converted = Path.Combine(tempDirectory, "entities.parquet");
            parameters["out"] = converted;
            await DuckDbCommands.ExecuteAsync(connection, $"COPY (SELECT {select} FROM {source}) TO $out (FORMAT PARQUET)", parameters, cancellationToken);
            return converted;
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot read entity file '{entityPath}' as CSV (a header row, comma-separated, double quotes): {DuckDbMessages.Trim(ex.Message)}", ex);
        }
    }

    private sealed record KeyColumn(string Column, FeatureType Type, string Entity);

    /// <summary>The join-key columns of the requested views that the file has (matched exactly, else ignoring case).</summary>
    private static List<KeyColumn> KeyColumns(TrainingSetRequest request, IReadOnlyList<ColumnInfo> detected)
    {
        var keys = new List<KeyColumn>();
        foreach (var view in request.Features.Select(f => f.View).Distinct().Select(request.Definitions.GetFeatureView))
        {
            foreach (var entity in request.Definitions.EntitiesOf(view))
            {
                var column = detected.FirstOrDefault(c => c.Name == entity.JoinKey)
                    ?? detected.FirstOrDefault(c => string.Equals(c.Name, entity.JoinKey, StringComparison.OrdinalIgnoreCase));
                if (column is not null && !entity.ValueType.IsList && keys.All(k => k.Column != column.Name))
                {
                    keys.Add(new KeyColumn(column.Name, entity.ValueType, entity.Name));
                }
            }
        }
        return keys;
    }

    /// <summary>Fails on the first value of a key column that is not exactly a value of the key's type.</summary>
    private static async Task CheckKeyColumnAsync(
        DuckDBConnection connection, string source, IReadOnlyDictionary<string, object?> parameters, KeyColumn key, string entityPath,
        CancellationToken cancellationToken)
    {
        var column = SqlIdentifier.Quote(key.Column);
        var valid = key.Type.Scalar switch
        {
            // Plain decimal integers only: no fraction, exponent, hex, underscores or spaces, and within range.
            ScalarType.Int64 => $"regexp_full_match({column}, '[+-]?[0-9]+') AND TRY_CAST({column} AS BIGINT) IS NOT NULL",
            ScalarType.Int32 => $"regexp_full_match({column}, '[+-]?[0-9]+') AND TRY_CAST({column} AS INTEGER) IS NOT NULL",
            ScalarType.Bool => $"lower({column}) IN ('true', 'false')",
            ScalarType.Timestamp => $"TRY_CAST({column} AS TIMESTAMPTZ) IS NOT NULL",
            _ => null,
        };
        if (valid is null)
        {
            return;
        }
        var sql = $"""
            SELECT __fs_row, {column} FROM (SELECT row_number() OVER () AS __fs_row, {column} FROM {source})
             WHERE {column} IS NOT NULL AND NOT ({valid})
             ORDER BY __fs_row LIMIT 1
            """;
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            var row = reader.GetInt64(0);
            throw new UserInputException(
                $"Entity file '{entityPath}' row {row.ToString(CultureInfo.InvariantCulture)} (line {(row + 1).ToString(CultureInfo.InvariantCulture)}), " +
                $"column '{key.Column}': '{reader.GetString(1)}' is not a {key.Type} join key (entity '{key.Entity}'); " +
                "write it exactly as a value of that type.");
        }
    }
}
