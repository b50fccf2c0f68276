using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;

namespace FeatureStore.DuckDb;

/// <summary>
/// The DuckDB query that selects the latest row per entity key of a view among rows with
/// <c>start &lt;= event_ts &lt;= end</c>, entirely inside DuckDB, in two phases of one statement:
/// (1) one aggregation pass over only the key and time columns, <c>arg_max(row id, version key)</c> with
/// <see cref="LatestRowSql.VersionKeySql"/> (the key training sets join on, so ties resolve exactly as there; in its
/// integer form <see cref="LatestRowSql.AggregateVersionKeySql"/>),
/// giving the file position of each key's winning row; (2) a streaming scan of the source that keeps only those rows
/// (semi join on file index and row number), so all values of a key come from one row and rows reach .NET (and
/// Redis) while the scan still runs. Aggregating a narrow row id instead of the whole row keeps phase 1 small.
/// Columns come out in <see cref="LatestRowLayout"/>, ready for an online writer.
/// Parameters: <c>$path</c>, <c>$end</c> and, when bounded below, <c>$start</c> (UTC timestamps).
/// Identifiers are validated by the loader and quoted here; values and paths are always parameters.
/// </summary>
internal sealed class LatestRowsQuery
{
    private const string EventColumn = "__fs_e";
    private const string CreatedColumn = "__fs_c";
    private const string RowIdColumn = "__fs_row";

    /// <summary>Bits of the row id holding the row number within its file; the file index sits above them.</summary>
    private const int RowBits = 40;

    private LatestRowsQuery(LatestRowLayout layout, SourceDefinition source, string path, string sql, string countSql)
    {
        Layout = layout;
        Source = source;
        Path = path;
        Sql = sql;
        CountSql = countSql;
    }

    public LatestRowLayout Layout { get; }

    public FeatureViewDefinition View => Layout.View;

    public SourceDefinition Source { get; }

    /// <summary>Resolved path or glob of the source's Parquet files.</summary>
    public string Path { get; }

    public string Sql { get; }

    /// <summary>Approximate number of distinct keys in the window (for an ETA), same parameters.</summary>
    public string CountSql { get; }

    /// <summary>
    /// Builds the query for a view whose source has the given columns (name to DuckDB type, from <c>DESCRIBE</c>).
    /// A column the view needs that the source lacks, or a timestamp column of a non-time type, is a user error.
    /// Timestamps are compared as naive UTC (<see cref="LatestRowSql.AsUtcNaiveTimestampSql"/>): no per-row
    /// time-zone conversion on the hot path.
    /// </summary>
    public static LatestRowsQuery Create(
        DefinitionSet definitions, LatestRowLayout layout, string repositoryRoot, bool hasStart, IReadOnlyDictionary<string, string> columnTypes)
    {
        var view = layout.View;
        var keyEntities = layout.KeyEntities;
        var source = definitions.GetBatchSource(view);
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
            LatestRowSql.AsUtcNaiveTimestampSql(SqlIdentifier.Quote(column), columnTypes[column])
            ?? throw new UserInputException(
                $"Feature view '{view.Name}': column '{column}' ({what}) of source '{source.Name}' has type {columnTypes[column]}, which is not a timestamp.");

        // Phase 1 (blocking, narrow): per key, the file position of the winning row, reading only keys and times.
        var keyNames = new List<string>();
        var narrow = new List<string>();
        var outputs = new List<string>();
        for (var k = 0; k < keyEntities.Count; k++)
        {
            var entity = keyEntities[k];
            var what = $"join key of entity '{entity.Name}'";
            var column = Column(entity.JoinKey, what);
            var name = $"__fs_k{k}";
            keyNames.Add(name);
            if (entity.ValueType.Scalar == ScalarType.Timestamp)
            {
                var timestamp = Timestamp(column, what);
                narrow.Add($"{timestamp} AS {name}");
                outputs.Add($"epoch_us({timestamp.Replace(SqlIdentifier.Quote(column), "p." + SqlIdentifier.Quote(column))})");
            }
            else
            {
                narrow.Add($"CAST({SqlIdentifier.Quote(column)} AS {DuckDbTypes.SqlType(entity.ValueType)}) AS {name}");
                outputs.Add($"CAST(p.{SqlIdentifier.Quote(column)} AS {DuckDbTypes.SqlType(entity.ValueType)})");
            }
        }
        var eventColumn = Column(source.TimestampField, "event timestamp");
        var eventSql = Timestamp(eventColumn, "event timestamp");
        narrow.Add($"{eventSql} AS {EventColumn}");
        outputs.Add($"epoch_us({Qualify(eventSql, eventColumn)})");
        var hasCreated = source.CreatedTimestampField is not null;
        if (hasCreated)
        {
            var createdColumn = Column(source.CreatedTimestampField!, "created timestamp");
            var createdSql = Timestamp(createdColumn, "created timestamp");
            narrow.Add($"{createdSql} AS {CreatedColumn}");
            outputs.Add($"epoch_us({Qualify(createdSql, createdColumn)})");
        }
        else
        {
            outputs.Add("CAST(NULL AS BIGINT)");
        }
        narrow.Add($"(CAST(file_index AS BIGINT) << {RowBits}) | file_row_number AS {RowIdColumn}");

        // Phase 2 (streaming): the source scanned again, keeping only the winning rows, cast for the online encoding.
        for (var f = 0; f < view.Features.Count; f++)
        {
            var feature = view.Features[f];
            var what = $"feature '{feature.Name}'";
            var column = Column(feature.Name, what);
            var qualified = "p." + SqlIdentifier.Quote(column);
            outputs.Add(feature.Type switch
            {
                { Scalar: ScalarType.Timestamp, IsList: false } => $"epoch_us({Qualify(Timestamp(column, what), column)})",
                { Scalar: ScalarType.Timestamp, IsList: true } => $"list_transform(CAST({qualified} AS TIMESTAMPTZ[]), x -> epoch_us(x))",
                _ => $"CAST({qualified} AS {DuckDbTypes.SqlType(feature.Type)})",
            });
        }

        var window = LatestRowSql.InWindowSql(EventColumn, hasStart ? "CAST($start AS TIMESTAMP)" : null, "CAST($end AS TIMESTAMP)");
        // A row whose event time is not a real instant has a NULL integer key, which arg_max skips.
        var keysNotNull = string.Join(" AND ", keyNames.Select(k => $"{k} IS NOT NULL"));
        var versionKey = LatestRowSql.AggregateVersionKeySql(LatestRowSql.VersionKeySql(EventColumn, hasCreated ? CreatedColumn : null), hasCreated);
        var keyList = string.Join(", ", keyNames);
        var filtered = $"""
            SELECT {string.Join(", ", narrow)}
              FROM read_parquet($path, file_row_number = true)
            """;
        var mask = ((1L << RowBits) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sql = $"""
            SELECT {string.Join(", ", outputs)}
              FROM read_parquet($path, file_row_number = true) p
              SEMI JOIN (SELECT {RowIdColumn} >> {RowBits} AS fi, {RowIdColumn} & {mask} AS rn
                           FROM (SELECT arg_max({RowIdColumn}, {versionKey}) AS {RowIdColumn}
                                   FROM ({filtered})
                                  WHERE {window} AND {keysNotNull}
                                  GROUP BY {keyList})) w
                ON p.file_index = w.fi AND p.file_row_number = w.rn
            """;
        var keyTuple = keyNames.Count == 1 ? keyNames[0] : $"struct_pack({string.Join(", ", keyNames.Select(k => $"{k} := {k}"))})";
        var countSql = $"""
            SELECT approx_count_distinct({keyTuple})
              FROM ({filtered})
             WHERE {window} AND {keysNotNull}
            """;
        return new LatestRowsQuery(layout, source, path, sql, countSql);
    }

    /// <summary>Points an expression over a source column at the scan aliased <c>p</c>.</summary>
    private static string Qualify(string expression, string column) => expression.Replace(SqlIdentifier.Quote(column), "p." + SqlIdentifier.Quote(column));
}
