using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Offline;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.DuckDb;

/// <summary>
/// Checks a training-set request against the real files before any data is read: every view, feature, source file,
/// column and type, so bad input fails with a message naming the file and column at fault and writes nothing.
/// </summary>
internal static class TrainingSetPlanner
{
    internal sealed record Planned(TrainingSetPlan Plan, IReadOnlyList<SourceFileLineage> SourceFiles);

    public static async Task<Planned> PlanAsync(
        DuckDBConnection connection,
        TrainingSetRequest request,
        IReadOnlyList<ColumnInfo> entityColumns,
        string entityFileForErrors,
        CancellationToken cancellationToken)
    {
        if (request.Features.Count == 0)
        {
            throw new UserInputException("No features requested: give at least one view:feature (or a feature service).");
        }
        string EntityColumnList() => string.Join(", ", entityColumns.Select(c => c.Name));

        foreach (var column in entityColumns)
        {
            if (column.Name.StartsWith("__fs_", StringComparison.OrdinalIgnoreCase) || column.Name.Equals("file_row_number", StringComparison.OrdinalIgnoreCase))
            {
                throw new UserInputException($"Entity file '{entityFileForErrors}' has a column named '{column.Name}', a name reserved for internal use; rename it.");
            }
        }

        var timestamp = Find(entityColumns, request.TimestampColumn)
            ?? throw new UserInputException(
                $"Entity file '{entityFileForErrors}' has no timestamp column '{request.TimestampColumn}' (choose another with --timestamp-column). Its columns: {EntityColumnList()}.");
        var entityTimestampSql = LatestRowSql.AsUtcNaiveTimestampSql(SqlIdentifier.Quote(timestamp.Name), timestamp.Type)
            ?? throw new UserInputException(
                $"Entity file '{entityFileForErrors}' column '{timestamp.Name}' is {timestamp.Type}; the timestamp column must hold timestamps, dates or text in ISO 8601.");

        // Views in order of first appearance; features in request order.
        var definitions = request.Definitions;
        var viewOrder = new List<FeatureViewDefinition>();
        var resolved = new List<(FeatureReference Reference, FeatureViewDefinition View, FeatureDefinition Feature)>();
        // The same reference twice (e.g. a service listing a feature and its whole view) is one column.
        foreach (var reference in request.Features.Distinct())
        {
            var view = definitions.GetFeatureView(reference.View);
            var feature = view.FindFeature(reference.Feature)
                ?? throw new NotFoundException($"Feature view '{view.Name}' has no feature '{reference.Feature}'.");
            if (!viewOrder.Contains(view))
            {
                viewOrder.Add(view);
            }
            resolved.Add((reference, view, feature));
        }

        var views = new List<ViewJoinPlan>();
        var sourceFiles = new List<SourceFileLineage>();
        var sourceColumnsByView = new List<IReadOnlyList<ColumnInfo>>();
        foreach (var view in viewOrder)
        {
            var source = definitions.GetBatchSource(view);
            var path = source.ResolvePath(request.RepositoryRoot);
            var files = await ListFilesAsync(connection, source, view, path, cancellationToken);
            sourceFiles.AddRange(files.Select(f =>
            {
                var info = new FileInfo(f);
                return new SourceFileLineage(source.Name, info.FullName, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));
            }));

            IReadOnlyList<ColumnInfo> columns;
            try
            {
                columns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($files)", new Dictionary<string, object?> { ["files"] = files.ToList() }, cancellationToken);
            }
            catch (DuckDBException ex)
            {
                throw new UserInputException($"Cannot read source '{source.Name}' of feature view '{view.Name}' ({path}): {DuckDbMessages.Trim(ex.Message)}", ex);
            }
            string Where() => $"source '{source.Name}' ({path}) of feature view '{view.Name}'";
            string SourceColumnList() => string.Join(", ", columns.Select(c => c.Name));
            ColumnInfo SourceColumn(string name, string role) => Find(columns, name)
                ?? throw new UserInputException($"Column '{name}' ({role}) is missing from {Where()}. Its columns: {SourceColumnList()}.");

            var keys = new List<KeyJoinPlan>();
            var keySourceColumns = new List<string>();
            foreach (var entity in definitions.EntitiesOf(view))
            {
                var joinKey = entity.JoinKey;
                SqlIdentifier.QuoteChecked(joinKey, $"Join key of entity '{entity.Name}'");
                var entityColumn = Find(entityColumns, joinKey)
                    ?? throw new UserInputException(
                        $"Entity file '{entityFileForErrors}' has no column '{joinKey}', the join key of entity '{entity.Name}' that feature view '{view.Name}' needs. Its columns: {EntityColumnList()}.");
                if (!ParquetTypeCompatibility.CanHold(entity.ValueType, entityColumn.Type))
                {
                    throw new UserInputException(
                        $"Entity file '{entityFileForErrors}' column '{entityColumn.Name}' is {entityColumn.Type}, but join key '{joinKey}' of entity '{entity.Name}' is {entity.ValueType}.");
                }
                var sourceColumn = SourceColumn(source.ColumnFor(joinKey), $"join key '{joinKey}'");
                if (!ParquetTypeCompatibility.CanHold(entity.ValueType, sourceColumn.Type))
                {
                    throw new UserInputException(
                        $"Column '{sourceColumn.Name}' of {Where()} is {sourceColumn.Type}, but join key '{joinKey}' of entity '{entity.Name}' is {entity.ValueType}.");
                }
                keySourceColumns.Add(sourceColumn.Name);
                keys.Add(new KeyJoinPlan(joinKey, SqlIdentifier.Quote(entityColumn.Name), SqlIdentifier.Quote(sourceColumn.Name), DuckDbTypes.SqlType(entity.ValueType)));
            }

            var eventColumn = SourceColumn(source.TimestampField, "timestamp_field");
            var eventSql = LatestRowSql.AsUtcNaiveTimestampSql(SqlIdentifier.Quote(eventColumn.Name), eventColumn.Type)
                ?? throw new UserInputException($"Column '{eventColumn.Name}' (timestamp_field) of {Where()} is {eventColumn.Type}, not a timestamp.");
            string? createdSql = null;
            if (source.CreatedTimestampField is { } createdField)
            {
                var createdColumn = SourceColumn(createdField, "created_timestamp_field");
                createdSql = LatestRowSql.AsUtcNaiveTimestampSql(SqlIdentifier.Quote(createdColumn.Name), createdColumn.Type)
                    ?? throw new UserInputException($"Column '{createdColumn.Name}' (created_timestamp_field) of {Where()} is {createdColumn.Type}, not a timestamp.");
            }
            views.Add(new ViewJoinPlan(view, source, files, keys, eventSql, createdSql, keySourceColumns, eventColumn));
            sourceColumnsByView.Add(columns);
        }

        var features = new List<OutputFeature>();
        var outputNames = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in entityColumns)
        {
            outputNames.TryAdd(column.Name, $"the entity file's column '{column.Name}'");
        }
        for (var position = 0; position < resolved.Count; position++)
        {
            var (reference, view, feature) = resolved[position];
            var viewIndex = viewOrder.IndexOf(view);
            var plan = views[viewIndex];
            var columns = sourceColumnsByView[viewIndex];
            var columnName = plan.Source.ColumnFor(feature.Name);
            var column = Find(columns, columnName)
                ?? throw new UserInputException(
                    $"Column '{columnName}' (feature '{reference}') is missing from source '{plan.Source.Name}' of feature view '{view.Name}'. Its columns: {string.Join(", ", columns.Select(c => c.Name))}.");
            if (!ParquetTypeCompatibility.CanHold(feature.Type, column.Type))
            {
                throw new UserInputException(
                    $"Column '{column.Name}' of source '{plan.Source.Name}' is {column.Type}, but feature '{reference}' is declared {feature.Type}.");
            }
            var outputName = reference.ColumnName(request.FullFeatureNames);
            if (!outputNames.TryAdd(outputName, $"feature '{reference}'"))
            {
                throw new UserInputException(
                    $"Two output columns would be named '{outputName}': {outputNames[outputName]} and feature '{reference}'." +
                    (request.FullFeatureNames ? "" : " Use --full-feature-names to name features view__feature."));
            }
            features.Add(new OutputFeature(position, reference, viewIndex, SqlIdentifier.Quote(column.Name), DuckDbTypes.SqlType(feature.Type), outputName));
        }

        return new Planned(
            new TrainingSetPlan(entityColumns.Select(c => c.Name).ToArray(), entityTimestampSql, views, features, request.AsOfCreated),
            sourceFiles);
    }

    private static async Task<IReadOnlyList<string>> ListFilesAsync(
        DuckDBConnection connection, SourceDefinition source, FeatureViewDefinition view, string path, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> files;
        try
        {
            files = await DuckDbCommands.ListAsync(connection, "SELECT file FROM glob($path) ORDER BY file", new Dictionary<string, object?> { ["path"] = path }, cancellationToken);
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Cannot list the files of source '{source.Name}' ({path}): {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        return files.Count > 0
            ? files
            : throw new NotFoundException($"Source '{source.Name}' of feature view '{view.Name}' has no Parquet file at '{path}'.");
    }

    /// <summary>DuckDB resolves column names case-insensitively; prefer the exact spelling.</summary>
    private static ColumnInfo? Find(IReadOnlyList<ColumnInfo> columns, string name) =>
        columns.FirstOrDefault(c => c.Name == name) ?? columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
