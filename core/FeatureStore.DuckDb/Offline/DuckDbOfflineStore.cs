using System.Diagnostics;
using System.Security.Cryptography;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace FeatureStore.DuckDb;

/// <summary>
/// The offline store on embedded DuckDB: one SQL statement per training set over <c>read_parquet</c>, streamed by
/// DuckDB straight into the output Parquet file (no row passes through .NET), spilling to disk past its memory limit.
/// The output is written to a hidden temporary file beside the target and renamed, so a failure leaves no file.
/// </summary>
public sealed class DuckDbOfflineStore(OfflineStoreOptions? options = null, ILogger<DuckDbOfflineStore>? logger = null) : IOfflineStore
{
    private readonly OfflineStoreOptions _options = options ?? OfflineStoreOptions.Default;
    private const string TrainingSetTable = "__fs_training";

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<ILatestRowScan> PrepareLatestRowsAsync(LatestRowsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await DuckDbLatestRowScan.PrepareAsync(request, _options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TrainingSetResult> WriteTrainingSetAsync(TrainingSetRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var stopwatch = Stopwatch.StartNew();
        var createdAt = DateTimeOffset.UtcNow;
        if (string.IsNullOrWhiteSpace(request.EntityFile) || string.IsNullOrWhiteSpace(request.OutputPath))
        {
            throw new UserInputException("Both an entity file and an output path are required.");
        }
        var entityPath = Path.GetFullPath(request.EntityFile);
        var outputPath = Path.GetFullPath(request.OutputPath);
        if (!File.Exists(entityPath))
        {
            throw new NotFoundException($"Entity file '{entityPath}' does not exist.");
        }
        TrainingSetOutputGuard.Check(request, outputPath, entityPath);
        var isCsv = Path.GetExtension(entityPath).ToLowerInvariant() switch
        {
            ".parquet" or ".pq" => false,
            ".csv" => true,
            var other => throw new UserInputException($"Entity file '{entityPath}' must be Parquet (.parquet) or CSV (.csv), not '{other}'."),
        };

        var ownsTempDirectory = _options.TempDirectory is null;
        var tempDirectory = _options.TempDirectory ?? Path.Combine(Path.GetTempPath(), $"featurestore-duckdb-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tempDirectory);
        var outputDirectory = Path.GetDirectoryName(outputPath)!;
        var tempOutput = Path.Combine(outputDirectory, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(outputDirectory);
            await using var connection = await DuckDbSession.OpenAsync(
                _options with { MemoryLimit = _options.MemoryLimit ?? DuckDbSession.HalfOfAvailableMemory() }, tempDirectory, cancellationToken);

            var entityParquet = isCsv
                ? await CsvEntityFile.ConvertAsync(connection, request, entityPath, tempDirectory, cancellationToken)
                : entityPath;
            IReadOnlyList<ColumnInfo> entityColumns;
            try
            {
                entityColumns = await DuckDbCommands.DescribeAsync(connection, "read_parquet($entities)",
                    new Dictionary<string, object?> { ["entities"] = entityParquet }, cancellationToken);
            }
            catch (DuckDBException ex)
            {
                throw new UserInputException($"Cannot read entity file '{entityPath}' as Parquet: {DuckDbMessages.Trim(ex.Message)}", ex);
            }

            var planned = await TrainingSetPlanner.PlanAsync(connection, request, entityColumns, entityPath, cancellationToken);
            var rowCount = await DuckDbCommands.ScalarAsync<long>(connection, "SELECT count(*) FROM read_parquet($entities)",
                new Dictionary<string, object?> { ["entities"] = entityParquet }, cancellationToken);
            planned = planned with { Plan = await EventTimeTieCheck.ApplyAsync(connection, planned.Plan, rowCount, cancellationToken) };
            var skipped = await CountSkippedAsync(connection, planned.Plan, cancellationToken);
            var lineage = new TrainingSetLineage
            {
                RegistryVersion = request.RegistryVersion,
                RegistryHash = request.RegistryHash,
                FeatureService = request.FeatureService,
                Features = planned.Plan.Features.Select(f => f.Reference.ToString()).ToArray(),
                SourceFiles = planned.SourceFiles,
                EntityFile = entityPath,
                EntityFileSha256 = await HashFileAsync(entityPath, cancellationToken),
                RowCount = rowCount,
                CreatedAt = createdAt,
                TimestampColumn = request.TimestampColumn,
                FullFeatureNames = request.FullFeatureNames,
                AsOfCreated = request.AsOfCreated,
                SkippedSourceRows = skipped,
            };

            var parameters = new Dictionary<string, object?>
            {
                [TrainingSetSql.EntitiesParameter] = entityParquet,
            };
            for (var i = 0; i < planned.Plan.Views.Count; i++)
            {
                parameters[TrainingSetSql.FilesParameter(i)] = planned.Plan.Views[i].Files.ToList();
            }
            // The rows are kept in a table first so they are profiled (the profile goes into the file's metadata,
            // which COPY writes with the data) without computing the join twice.
            var query = $"CREATE TEMP TABLE {TrainingSetTable} AS\n{TrainingSetSql.Build(planned.Plan)}";
            _logger.LogDebug("Training set query:\n{Sql}", query);
            IReadOnlyList<Core.Quality.FeatureViewProfile> profiles;
            try
            {
                await DuckDbCommands.ExecuteAsync(connection, query, parameters, cancellationToken);
                profiles = await TrainingSetProfiler.ProfileAsync(connection, TrainingSetTable, planned.Plan, $"training-set:{outputPath}", cancellationToken);
            }
            catch (DuckDBException ex)
            {
                throw MapQueryFailure(ex, tempOutput, tempDirectory, cancellationToken);
            }

            var metadata = lineage.ToKeyValueMetadata().Concat(profiles.Select(TrainingSetProfiles.ToKeyValue)).ToArray();
            var copyParameters = new Dictionary<string, object?> { ["out"] = tempOutput };
            for (var i = 0; i < metadata.Length; i++)
            {
                copyParameters[$"kv{i}"] = metadata[i].Value;
            }
            var copy = $"COPY {TrainingSetTable} TO $out (FORMAT PARQUET, KV_METADATA {{{string.Join(", ", metadata.Select((kv, i) => $"{SqlIdentifier.Quote(kv.Key)}: $kv{i}"))}}})";
            try
            {
                await DuckDbCommands.ExecuteAsync(connection, copy, copyParameters, cancellationToken);
            }
            catch (DuckDBException ex)
            {
                throw MapQueryFailure(ex, tempOutput, tempDirectory, cancellationToken);
            }

            File.Move(tempOutput, outputPath, overwrite: true);
            stopwatch.Stop();
            _logger.LogInformation("Wrote training set {Path}: {Rows} rows, {Columns} columns in {Elapsed}",
                outputPath, rowCount, planned.Plan.OutputColumns.Count, stopwatch.Elapsed);
            foreach (var (view, rows) in skipped.Where(s => s.Value.Total > 0))
            {
                _logger.LogWarning("Training set {Path}: feature view {View}: {Skipped}.", outputPath, view, rows.Describe());
            }
            return new TrainingSetResult(outputPath, rowCount, planned.Plan.OutputColumns, stopwatch.Elapsed, lineage) { Profiles = profiles };
        }
        catch
        {
            TryDelete(tempOutput);
            throw;
        }
        finally
        {
            if (ownsTempDirectory)
            {
                try { Directory.Delete(tempDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>
    /// Per view, the source rows left out for a NULL event timestamp or join key. The join cannot report what it
    /// filters, so this is a pass of its own, over the key and event columns only, unless the files' statistics prove
    /// there is nothing to count (<see cref="CleanSourceStatistics"/>).
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, SkippedRows>> CountSkippedAsync(
        DuckDBConnection connection, TrainingSetPlan plan, CancellationToken cancellationToken)
    {
        var skipped = new Dictionary<string, SkippedRows>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Views.Count; i++)
        {
            var view = plan.Views[i];
            if (await CleanSourceStatistics.ProveNoneSkippedAsync(connection, view.Files, view.KeySourceColumns, view.EventColumn, cancellationToken))
            {
                skipped[view.View.Name] = SkippedRows.None;
                continue;
            }
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = TrainingSetSql.SkippedRowsSql(plan, i);
                command.Parameters.Add(new DuckDBParameter(TrainingSetSql.FilesParameter(i), view.Files.ToList()));
                await using var _ = cancellationToken.Register(command.Cancel);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                skipped[view.View.Name] = new SkippedRows(reader.GetInt64(0), reader.GetInt64(1));
            }
            catch (DuckDBException ex)
            {
                throw new UserInputException(
                    $"Cannot read source '{view.Source.Name}' of feature view '{view.View.Name}': {DuckDbMessages.Trim(ex.Message)}", ex);
            }
        }
        return skipped;
    }

    private static Exception MapQueryFailure(DuckDBException ex, string tempOutput, string tempDirectory, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested || ex.ErrorType == DuckDBErrorType.Interrupt)
        {
            return new OperationCanceledException("Training set cancelled.", ex, cancellationToken);
        }
        if (ex.ErrorType == DuckDBErrorType.OutOfMemory)
        {
            return new StoreUnavailableException(
                $"DuckDB ran out of memory building the training set; raise the memory limit or free space in '{tempDirectory}' for spilling.", ex);
        }
        if (ex.ErrorType == DuckDBErrorType.Io && (ex.Message.Contains(tempOutput, StringComparison.Ordinal) || ex.Message.Contains(tempDirectory, StringComparison.Ordinal)))
        {
            return new StoreUnavailableException($"Cannot write the training set: {DuckDbMessages.Trim(ex.Message)}", ex);
        }
        return new UserInputException($"Building the training set failed: {DuckDbMessages.Trim(ex.Message)}", ex);
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
