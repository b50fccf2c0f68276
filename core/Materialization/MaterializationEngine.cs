using System.Diagnostics;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// Loads the latest feature values into the online store. Per online view: DuckDB selects the latest row per key in
/// the window in one pass (<see cref="LatestRowsQuery"/>), the result streams to .NET and on to Redis in bounded,
/// pipelined, compare-and-set batches (<see cref="OnlineViewWriter"/>), so memory stays flat whatever the row count;
/// the view's watermark is recorded in the registry only after Redis confirmed every row. Everything that can be
/// checked before writing (views, times, sources, locks) is checked first, so bad input writes nothing.
/// </summary>
public sealed class MaterializationEngine
{
    private readonly RedisOnlineStore _store;
    private readonly IRegistry _registry;
    private readonly ILogger _logger;
    private readonly MaterializationOptions _options;
    private readonly TimeProvider _time;

    public MaterializationEngine(
        RedisOnlineStore store, IRegistry registry, ILogger<MaterializationEngine>? logger = null,
        MaterializationOptions? options = null, TimeProvider? time = null)
    {
        _store = store;
        _registry = registry;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options ?? new MaterializationOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs the request; returns one summary per selected view, in definition order.</summary>
    public async Task<IReadOnlyList<ViewMaterializationSummary>> RunAsync(
        MaterializationRequest request, IProgress<MaterializationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definitions = request.Definitions;
        var views = SelectViews(definitions, request.Views);
        if (request.Start is { } requestedStart && request.End < requestedStart)
        {
            throw new UserInputException(
                $"--end {request.End:O} is before --start {requestedStart:O}; the window must run forward.");
        }
        var layout = new OnlineKeyLayout(definitions.Project);
        var states = (await _registry.GetMaterializationStateAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.View, StringComparer.Ordinal);

        await using var duck = await OpenDuckDbAsync(cancellationToken).ConfigureAwait(false);
        var plans = new List<ViewPlan>();
        foreach (var view in views)
        {
            states.TryGetValue(view.Name, out var state);
            var plan = await PlanViewAsync(duck, definitions, view, request, state, cancellationToken).ConfigureAwait(false);
            if (plan.SkippedReason is null)
            {
                await CheckSourceAsync(duck, plan, cancellationToken).ConfigureAwait(false);
            }
            plans.Add(plan);
        }

        var locks = new List<MaterializationLock>();
        var writers = new Dictionary<string, OnlineViewWriter>(StringComparer.Ordinal);
        try
        {
            foreach (var plan in plans.Where(p => p.SkippedReason is null))
            {
                locks.Add(await MaterializationLock.AcquireAsync(
                    _store, layout, plan.View.Name, _options, request.WaitForLock, _logger, cancellationToken).ConfigureAwait(false));
            }
            // Data of views no longer served (removed, offline, schema changed) must not linger.
            await _store.RemoveStaleViewsAsync(definitions, request.RegistryVersion, cancellationToken).ConfigureAwait(false);
            // Every view is recorded before any is written, so a view a newer registry version owns refuses the run
            // while nothing has been written yet.
            foreach (var plan in plans.Where(p => p.SkippedReason is null))
            {
                writers[plan.View.Name] = await _store.OpenViewWriterAsync(
                    definitions, plan.View, request.RegistryVersion, cancellationToken).ConfigureAwait(false);
            }

            var summaries = new List<ViewMaterializationSummary>();
            for (var i = 0; i < plans.Count; i++)
            {
                var plan = plans[i];
                if (plan.SkippedReason is not null)
                {
                    _logger.LogInformation("Skipped {View}: {Reason}", plan.View.Name, plan.SkippedReason);
                    summaries.Add(new ViewMaterializationSummary(
                        plan.View.Name, plan.Start, plan.End, 0, 0, TimeSpan.Zero, plan.State?.Watermark, plan.SkippedReason));
                    continue;
                }
                summaries.Add(await MaterializeViewAsync(duck, writers[plan.View.Name], plan, i, plans.Count, progress, cancellationToken).ConfigureAwait(false));
            }
            return summaries;
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var held in locks)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static IReadOnlyList<FeatureViewDefinition> SelectViews(DefinitionSet definitions, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return definitions.FeatureViews.Where(v => v.Online).ToArray();
        }
        var selected = new List<FeatureViewDefinition>();
        var unknown = names.Where(n => definitions.FeatureViews.All(v => v.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            var known = string.Join(", ", definitions.FeatureViews.Select(v => v.Name));
            throw new NotFoundException(
                $"Unknown feature view{(unknown.Length == 1 ? "" : "s")} {string.Join(", ", unknown.Select(n => $"'{n}'"))} " +
                $"in --views; the applied registry has: {(known.Length == 0 ? "(none)" : known)}.");
        }
        foreach (var view in definitions.FeatureViews.Where(v => names.Contains(v.Name)))
        {
            if (!view.Online)
            {
                throw new UserInputException(
                    $"Feature view '{view.Name}' has online: false, so it is never materialized; remove it from --views or set online: true.");
            }
            selected.Add(view);
        }
        return selected;
    }

    private static async Task<ViewPlan> PlanViewAsync(
        DuckDBConnection duck, DefinitionSet definitions, FeatureViewDefinition view, MaterializationRequest request,
        ViewMaterializationState? state, CancellationToken cancellationToken)
    {
        var keyEntities = LatestRowsQuery.KeyOrder(definitions, view);
        DateTimeOffset? start;
        string? skipped = null;
        if (request.Start is { } explicitStart)
        {
            start = explicitStart;
        }
        else if (state?.Watermark is { } watermark)
        {
            start = watermark;
            if (watermark >= request.End)
            {
                skipped = $"already materialized up to {watermark:O}";
            }
        }
        else
        {
            start = view.Ttl > TimeSpan.Zero ? request.End - view.Ttl : null;
        }
        var source = definitions.GetSource(view.Source);
        var path = source.ResolvePath(request.RepositoryRoot);
        var columns = await DescribeSourceAsync(duck, view, source, path, cancellationToken).ConfigureAwait(false);
        var query = LatestRowsQuery.Create(definitions, view, keyEntities, request.RepositoryRoot, hasStart: start is not null, columns);
        return new ViewPlan(view, query, start, request.End, state, skipped);
    }

    /// <summary>Column names and DuckDB types of a source (reads Parquet metadata only).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> DescribeSourceAsync(
        DuckDBConnection duck, FeatureViewDefinition view, SourceDefinition source, string path, CancellationToken cancellationToken)
    {
        await using var command = duck.CreateCommand();
        command.CommandText = "DESCRIBE SELECT * FROM read_parquet($path)";
        command.Parameters.Add(new DuckDBParameter("path", path));
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }
        catch (DuckDBException ex)
        {
            throw new UserInputException($"Feature view '{view.Name}': reading source '{source.Name}' ({path}) failed: {ex.Message}", ex);
        }
        return columns;
    }

    private async Task<DuckDBConnection> OpenDuckDbAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var settings = new List<string> { "SET TimeZone = 'UTC'", "SET preserve_insertion_order = false" };
        if (_options.DuckDbMemoryLimit is { } limit)
        {
            settings.Add($"SET memory_limit = '{limit.Replace("'", "''")}'");
        }
        if (_options.DuckDbThreads is { } threads)
        {
            settings.Add($"SET threads = {threads}");
        }
        foreach (var sql in settings)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return connection;
    }

    /// <summary>Binds the view's query without reading data, so a missing file or column fails before any write.</summary>
    private static async Task CheckSourceAsync(DuckDBConnection duck, ViewPlan plan, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(duck, $"DESCRIBE {plan.Query.Sql}", plan);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        catch (DuckDBException ex)
        {
            throw SourceError(plan, ex);
        }
    }

    private async Task<ViewMaterializationSummary> MaterializeViewAsync(
        DuckDBConnection duck, OnlineViewWriter writer, ViewPlan plan, int index, int count,
        IProgress<MaterializationProgress>? progress, CancellationToken cancellationToken)
    {
        var view = plan.View;
        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        _logger.LogInformation("Materializing {View} from {Start} to {End}", view.Name, plan.Start?.ToString("O") ?? "the earliest data", plan.End.ToString("O"));

        long? estimate = null;
        if (_options.EstimateTotals)
        {
            estimate = await EstimateRowsAsync(duck, plan, cancellationToken).ConfigureAwait(false);
        }
        progress?.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Selecting, 0, estimate, clock.Elapsed));

        var transcoder = new RowTranscoder(plan.Query);
        long rows = 0;
        var selectionTime = TimeSpan.Zero;
        await using (var command = CreateCommand(duck, plan.Query.Sql, plan))
        {
            command.UseStreamingMode = true;
            DuckDBDataReader reader;
            try
            {
                reader = (DuckDBDataReader)await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDBException ex)
            {
                throw SourceError(plan, ex);
            }
            await using (reader)
            {
                var lastReport = clock.Elapsed;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = reader.Read();
                    }
                    catch (DuckDBException ex)
                    {
                        throw SourceError(plan, ex);
                    }
                    if (rows == 0)
                    {
                        selectionTime = clock.Elapsed;
                    }
                    if (!more)
                    {
                        break;
                    }
                    var pending = transcoder.WriteCurrentRowAsync(reader, writer, cancellationToken);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        await pending.ConfigureAwait(false);
                    }
                    rows++;
                    if ((rows & 4095) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (progress is not null && clock.Elapsed - lastReport >= _options.ProgressInterval)
                        {
                            lastReport = clock.Elapsed;
                            progress.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Writing, writer.RowsConfirmed, estimate, clock.Elapsed));
                        }
                    }
                }
            }
        }
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        clock.Stop();

        // Every row is in Redis: only now may the watermark move (never backwards).
        var watermark = plan.State?.Watermark is { } previous && previous > plan.End ? previous : plan.End;
        await _registry.RecordMaterializationAsync(
            new ViewMaterializationState(view.Name, watermark, startedAt, plan.Start, plan.End, rows, clock.Elapsed),
            cancellationToken).ConfigureAwait(false);
        progress?.Report(new MaterializationProgress(view.Name, index, count, MaterializationPhase.Done, rows, estimate ?? rows, clock.Elapsed));
        var summary = new ViewMaterializationSummary(
            view.Name, plan.Start, plan.End, rows, writer.RowsWritten, clock.Elapsed, watermark, SelectionTime: selectionTime);
        _logger.LogInformation(
            "Materialized {View}: {Rows} rows selected ({SelectionMs} ms in DuckDB before the first row), {Written} written, in {DurationMs} ms ({RowsPerSecond:0} rows/s); watermark {Watermark}",
            view.Name, rows, (long)selectionTime.TotalMilliseconds, writer.RowsWritten, (long)clock.Elapsed.TotalMilliseconds, summary.RowsPerSecond, watermark.ToString("O"));
        return summary;
    }

    private static async Task<long?> EstimateRowsAsync(DuckDBConnection duck, ViewPlan plan, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(duck, plan.Query.CountSql, plan);
        try
        {
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is null or DBNull ? null : Convert.ToInt64(result);
        }
        catch (DuckDBException ex)
        {
            throw SourceError(plan, ex);
        }
    }

    private static DuckDBCommand CreateCommand(DuckDBConnection duck, string sql, ViewPlan plan)
    {
        var command = duck.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("path", plan.Query.Path));
        command.Parameters.Add(new DuckDBParameter("end", plan.End.UtcDateTime));
        if (plan.Start is { } start)
        {
            command.Parameters.Add(new DuckDBParameter("start", start.UtcDateTime));
        }
        return command;
    }

    private static UserInputException SourceError(ViewPlan plan, DuckDBException ex)
    {
        var source = plan.Query.Source;
        return new UserInputException(
            $"Feature view '{plan.View.Name}': reading source '{source.Name}' ({plan.Query.Path}) failed: {ex.Message}", ex);
    }

    private sealed record ViewPlan(
        FeatureViewDefinition View, LatestRowsQuery Query, DateTimeOffset? Start, DateTimeOffset End,
        ViewMaterializationState? State, string? SkippedReason);
}
