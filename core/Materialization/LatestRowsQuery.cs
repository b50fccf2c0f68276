using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// The DuckDB query that selects, in one aggregation pass inside DuckDB, the latest row per entity key of a view
/// among rows with <c>start &lt;= event_ts &lt;= end</c>: <c>arg_max(struct of the row, version key)</c> with the
/// version key of <see cref="LatestValueRule.NaiveVersionKeySql"/>, so ties resolve exactly as in training sets and all
/// values of a key come from one row. Columns come out ready for the online encoding:
/// <code>k0..kn (join keys, entity names sorted) | event µs | created µs or NULL | f0..fm (declared types; timestamps as µs)</code>
/// Parameters: <c>$path</c>, <c>$end</c> and, when bounded below, <c>$start</c> (UTC timestamps).
/// Identifiers are validated by the loader and quoted here; values and paths are always parameters.
/// </summary>
internal sealed class LatestRowsQuery
{
    private const string EventColumn = "__fs_e";
    private const string CreatedColumn = "__fs_c";
    private const string RowColumn = "__fs_w";

    private LatestRowsQuery(FeatureViewDefinition view, SourceDefinition source, IReadOnlyList<EntityDefinition> keyEntities, string path, string sql, string countSql)
    {
        View = view;
        Source = source;
        KeyEntities = keyEntities;
        Path = path;
        Sql = sql;
        CountSql = countSql;
    }

    public FeatureViewDefinition View { get; }

    public SourceDefinition Source { get; }

    /// <summary>The entities whose join keys come first in the result, sorted by name (the online key order).</summary>
    public IReadOnlyList<EntityDefinition> KeyEntities { get; }

    /// <summary>Resolved path or glob of the source's Parquet files.</summary>
    public string Path { get; }

    public string Sql { get; }

    /// <summary>Approximate number of distinct keys in the window (for an ETA), same parameters.</summary>
    public string CountSql { get; }

    public int EventOrdinal => KeyEntities.Count;

    public int CreatedOrdinal => KeyEntities.Count + 1;

    public int FirstFeatureOrdinal => KeyEntities.Count + 2;

    /// <summary>
    /// Builds the query for a view whose source has the given columns (name to DuckDB type, from <c>DESCRIBE</c>).
    /// A column the view needs that the source lacks, or a timestamp column of a non-time type, is a user error.
    /// Timestamps are compared as naive UTC (<see cref="LatestValueRule.AsUtcNaiveTimestampSql"/>): no per-row
    /// time-zone conversion on the hot path.
    /// </summary>
    public static LatestRowsQuery Create(
        DefinitionSet definitions, FeatureViewDefinition view, IReadOnlyList<EntityDefinition> keyEntities, string repositoryRoot,
        bool hasStart, IReadOnlyDictionary<string, string> columnTypes)
    {
        var source = definitions.GetSource(view.Source);
        var path = source.ResolvePath(repositoryRoot);
        string Column(string name, string what)
        {
            var column = source.ColumnFor(name);
            return columnTypes.ContainsKey(column)
                ? column
                : throw new UserInputException(
                    $"Feature view '{view.Name}': source '{source.Name}' ({path}) has no column '{column}' ({what}); it has: {string.Join(", ", columnTypes.Keys)}.");
        }
        string Timestamp(string column, string what) =>
            LatestValueRule.AsUtcNaiveTimestampSql(Quote(column), columnTypes[column])
            ?? throw new UserInputException(
                $"Feature view '{view.Name}': column '{column}' ({what}) of source '{source.Name}' has type {columnTypes[column]}, which is not a timestamp.");

        var projections = new List<string>();
        var keyNames = new List<string>();
        for (var k = 0; k < keyEntities.Count; k++)
        {
            var entity = keyEntities[k];
            var name = $"__fs_k{k}";
            keyNames.Add(name);
            var column = Column(entity.JoinKey, $"join key of entity '{entity.Name}'");
            projections.Add(entity.ValueType.Scalar == ScalarType.Timestamp
                ? $"{Timestamp(column, $"join key of entity '{entity.Name}'")} AS {name}"
                : $"CAST({Quote(column)} AS {DuckType(entity.ValueType)}) AS {name}");
        }
        projections.Add($"{Timestamp(Column(source.TimestampField, "event timestamp"), "event timestamp")} AS {EventColumn}");
        var hasCreated = source.CreatedTimestampField is not null;
        if (hasCreated)
        {
            projections.Add($"{Timestamp(Column(source.CreatedTimestampField!, "created timestamp"), "created timestamp")} AS {CreatedColumn}");
        }
        for (var f = 0; f < view.Features.Count; f++)
        {
            var feature = view.Features[f];
            var column = Column(feature.Name, $"feature '{feature.Name}'");
            projections.Add(feature.Type is { Scalar: ScalarType.Timestamp, IsList: false }
                ? $"{Timestamp(column, $"feature '{feature.Name}'")} AS __fs_f{f}"
                : $"CAST({Quote(column)} AS {DuckType(feature.Type)}) AS __fs_f{f}");
        }

        var structFields = new List<string> { $"e := {EventColumn}" };
        if (hasCreated)
        {
            structFields.Add($"c := {CreatedColumn}");
        }
        structFields.AddRange(view.Features.Select((_, f) => $"f{f} := __fs_f{f}"));

        var window = LatestValueRule.InWindowSql(EventColumn, hasStart ? "CAST($start AS TIMESTAMP)" : null, "CAST($end AS TIMESTAMP)");
        var keysNotNull = string.Join(" AND ", keyNames.Select(k => $"{k} IS NOT NULL"));
        var versionKey = LatestValueRule.NaiveVersionKeySql(EventColumn, hasCreated ? CreatedColumn : null);
        var keyList = string.Join(", ", keyNames);

        var outputs = new List<string>(keyNames.Select((k, i) => keyEntities[i].ValueType.Scalar == ScalarType.Timestamp ? $"epoch_us({k})" : k))
        {
            $"epoch_us(struct_extract({RowColumn}, 'e'))",
            hasCreated ? $"epoch_us(struct_extract({RowColumn}, 'c'))" : "CAST(NULL AS BIGINT)",
        };
        for (var f = 0; f < view.Features.Count; f++)
        {
            var field = $"struct_extract({RowColumn}, 'f{f}')";
            var type = view.Features[f].Type;
            outputs.Add(type.Scalar != ScalarType.Timestamp
                ? field
                : type.IsList ? $"list_transform({field}, x -> epoch_us(x))" : $"epoch_us({field})");
        }

        var filtered = $"""
            SELECT {string.Join(", ", projections)}
              FROM read_parquet($path)
            """;
        var sql = $"""
            SELECT {string.Join(", ", outputs)}
              FROM (SELECT {keyList}, arg_max(struct_pack({string.Join(", ", structFields)}), {versionKey}) AS {RowColumn}
                      FROM ({filtered})
                     WHERE {window} AND {keysNotNull}
                     GROUP BY {keyList})
            """;
        var keyTuple = keyNames.Count == 1 ? keyNames[0] : $"struct_pack({string.Join(", ", keyNames.Select(k => $"{k} := {k}"))})";
        var countSql = $"""
            SELECT approx_count_distinct({keyTuple})
              FROM ({filtered})
             WHERE {window} AND {keysNotNull}
            """;
        return new LatestRowsQuery(view, source, keyEntities, path, sql, countSql);
    }

    /// <summary>The DuckDB type a declared feature or key type is cast to (timestamp lists: zoned, read back as µs).</summary>
    public static string DuckType(FeatureType type)
    {
        var scalar = type.Scalar switch
        {
            ScalarType.Bool => "BOOLEAN",
            ScalarType.Int32 => "INTEGER",
            ScalarType.Int64 => "BIGINT",
            ScalarType.Float32 => "FLOAT",
            ScalarType.Float64 => "DOUBLE",
            ScalarType.String => "VARCHAR",
            ScalarType.Bytes => "BLOB",
            ScalarType.Timestamp => "TIMESTAMPTZ",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
        return type.IsList ? scalar + "[]" : scalar;
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"")}\"";

    /// <summary>The key entities of a view in online key order (same as <see cref="OnlineViewWriter.KeyEntities"/>).</summary>
    public static IReadOnlyList<EntityDefinition> KeyOrder(DefinitionSet definitions, FeatureViewDefinition view) =>
        new OnlineKeyLayout(definitions.Project).ForView(definitions, view).Entities;
}
