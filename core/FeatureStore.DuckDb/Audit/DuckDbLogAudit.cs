using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.DuckDb;

/// <summary>
/// The audit in DuckDB, over the log files where they lie (only those of the days the window touches):
/// <list type="number">
/// <item>the log rows of the window are the entity rows of the training-set join itself (<see cref="TrainingSetPlanner"/>
/// and <see cref="TrainingSetSql"/>, the same rule), with the request time as each row's timestamp; besides each
/// feature the join gives the winning row's event and created timestamps per view;</item>
/// <item>one streaming pass compares each row by fingerprint per view (<see cref="AuditSql.Summary"/>) and aggregates
/// the counts and the freshness quantiles;</item>
/// <item>only when some rows disagree does a second pass classify those rows value by value, joined back to their log
/// columns (<see cref="AuditSql.Unmatched"/>), count their causes and lags, and write the mismatching rows with both
/// values to Parquet.</item>
/// </list>
/// DuckDB spills past its memory limit, so a day of logs with millions of rows fits.
/// </summary>
public sealed class DuckDbLogAudit(OfflineStoreOptions? options = null, ILogger<DuckDbLogAudit>? logger = null) : ILogAudit
{
    private readonly OfflineStoreOptions _options = options ?? OfflineStoreOptions.Default;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task<AuditReport> RunAsync(AuditRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definitions = request.Definitions;
        var service = definitions.GetFeatureService(request.Service);
        var references = definitions.ResolveService(service.Name).Distinct().ToArray();
        var folder = Path.Combine(Path.GetFullPath(request.LogFolder), service.Name);
        if (!Directory.Exists(folder))
        {
            throw new NotFoundException(
                $"No logs of feature service '{service.Name}' at '{folder}'" +
                (service.Logging is null ? " (the service has no 'logging: {sample_rate: ...}' in its definition)." : "."));
        }

        var tempDirectory = _options.TempDirectory ?? Path.Combine(Path.GetTempPath(), $"featurestore-audit-{Guid.NewGuid():N}");
        var ownsTempDirectory = _options.TempDirectory is null;
        Directory.CreateDirectory(tempDirectory);
        try
        {
            await using var connection = await DuckDbSession.OpenAsync(
                _options with { MemoryLimit = _options.MemoryLimit ?? DuckDbSession.HalfOfAvailableMemory() }, tempDirectory, cancellationToken);
            var logs = await LogFiles.OpenAsync(connection, folder, cancellationToken);

            var logged = references.Where(r => logs.Has(LogColumns.Status(r))).ToArray();
            var notLogged = references.Except(logged).Select(r => r.ToString()).ToArray();
            if (logged.Length == 0)
            {
                throw new UserInputException(
                    $"The logs at '{folder}' hold none of the features of feature service '{service.Name}' ({string.Join(", ", references)}).");
            }
            foreach (var key in KeysOf(definitions, logged).Where(k => !logs.Has(k)))
            {
                throw new UserInputException($"The logs at '{folder}' have no column '{key}', a join key of feature service '{service.Name}'.");
            }

            var window = Window(request);
            var keys = KeysOf(definitions, logged);
            var logColumns = AuditSql.LogColumnsOf(keys, logged);
            var files = InWindow(logs.Files, request.Since, request.Until);
            if (files.Count == 0)
            {
                return Empty(service.Name, logged, notLogged);
            }
            var parameters = new Dictionary<string, object?> { [LogFiles.FilesParameter] = files.ToList() };
            var plan = await PlanAsync(connection, request, logged, keys, logColumns, parameters, folder, cancellationToken);
            for (var i = 0; i < plan.Plan.Views.Count; i++)
            {
                parameters[TrainingSetSql.FilesParameter(i)] = plan.Plan.Views[i].Files.ToList();
            }
            foreach (var (name, value) in window.Parameters)
            {
                parameters[name] = value;
            }
            var summary = AuditSql.Summary(plan, window.Sql);
            _logger.LogDebug("Audit, every row by fingerprint:\n{Sql}", summary);
            var fast = await QueryOneRowAsync(connection, summary, parameters, cancellationToken, reader => ReadSummary(reader, plan));
            var unmatched = fast.Rows - fast.Agreeing;
            _logger.LogDebug("Audit: {Agreeing} of {Rows} logged rows agree with their recomputation by fingerprint; {Unmatched} compared value by value",
                fast.Agreeing, fast.Rows, unmatched);
            IReadOnlyList<UnmatchedFeature>? detail = null;
            if (unmatched > 0)
            {
                var classify = AuditSql.Unmatched(plan, window.Sql);
                _logger.LogDebug("Audit, rows compared value by value:\n{Sql}", classify);
                await ExecuteAsync(connection, classify, parameters, cancellationToken);
                detail = await QueryOneRowAsync(connection, AuditSql.UnmatchedSummary(plan), null, cancellationToken, reader => ReadUnmatched(reader, plan));
            }
            var report = Report(service.Name, plan, fast, detail) with { NotLogged = notLogged };
            if (report.Mismatches > 0 && request.MismatchFile is { } mismatchFile)
            {
                var output = Path.GetFullPath(mismatchFile);
                Directory.CreateDirectory(Path.GetDirectoryName(output)!);
                var temporary = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.{Guid.NewGuid():N}.tmp");
                try
                {
                    await ExecuteAsync(connection, AuditSql.MismatchCopy(plan), new Dictionary<string, object?> { ["out"] = temporary }, cancellationToken);
                    File.Move(temporary, output, overwrite: true);
                }
                finally
                {
                    if (File.Exists(temporary))
                    {
                        File.Delete(temporary);
                    }
                }
                report = report with { MismatchFile = output };
            }
            return report;
        }
        finally
        {
            if (ownsTempDirectory)
            {
                try { Directory.Delete(tempDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>The join keys of the logged features' views, sorted, as the log names them.</summary>
    private static string[] KeysOf(DefinitionSet definitions, IEnumerable<FeatureReference> features) =>
        features.Select(f => f.View).Distinct().SelectMany(v => definitions.EntitiesOf(definitions.GetFeatureView(v)))
            .Select(e => e.JoinKey).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The audit window as a condition on <c>request_time</c> and its parameters.</summary>
    private static (string Sql, (string, object?)[] Parameters) Window(AuditRequest request)
    {
        var conditions = new List<string>();
        var parameters = new List<(string, object?)>();
        if (request.Since is { } since)
        {
            conditions.Add($"{SqlIdentifier.Quote(LogColumns.RequestTime)} >= $since");
            parameters.Add(("since", since.UtcDateTime));
        }
        if (request.Until is { } until)
        {
            conditions.Add($"{SqlIdentifier.Quote(LogColumns.RequestTime)} < $until");
            parameters.Add(("until", until.UtcDateTime));
        }
        return (conditions.Count == 0 ? "TRUE" : string.Join(" AND ", conditions), parameters.ToArray());
    }

    private static async Task<AuditPlan> PlanAsync(
        DuckDBConnection connection, AuditRequest request, IReadOnlyList<FeatureReference> features, IReadOnlyList<string> keys,
        IReadOnlyList<string> logColumns, IReadOnlyDictionary<string, object?> logParameters, string folder, CancellationToken cancellationToken)
    {
        // The planner sees only the keys and the request time: the served columns are carried through unchecked, and
        // their names (view__feature) must not count as clashes with the output's.
        var entityColumns = (await DuckDbCommands.DescribeAsync(connection, LogFiles.RelationSql, logParameters, cancellationToken))
            .Where(c => keys.Contains(c.Name) || c.Name == LogColumns.RequestTime).ToArray();
        var trainingSet = new TrainingSetRequest
        {
            Definitions = request.Definitions,
            RepositoryRoot = request.RepositoryRoot,
            Features = features,
            EntityFile = folder,
            OutputPath = Path.Combine(Path.GetTempPath(), "unused.parquet"),
            FullFeatureNames = true,
            TimestampColumn = LogColumns.RequestTime,
        };
        var planned = await TrainingSetPlanner.PlanAsync(connection, trainingSet, entityColumns, folder, cancellationToken);
        var loggedRows = await DuckDbCommands.ScalarAsync<long>(connection, EventTimeTieCheck.RowCountSql,
            new Dictionary<string, object?> { ["files"] = logParameters[LogFiles.FilesParameter] }, cancellationToken);
        var plan = await EventTimeTieCheck.ApplyAsync(connection, planned.Plan, loggedRows, cancellationToken);
        return AuditPlan.From(plan, request.Definitions, logColumns);
    }

    private static async Task<T> QueryOneRowAsync<T>(
        DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?>? parameters, CancellationToken cancellationToken,
        Func<RowReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters ?? new Dictionary<string, object?>())
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }
        await using var _ = cancellationToken.Register(command.Cancel);
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken);
        }
        catch (DuckDBException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ex);
        }
        await using var __ = reader;
        await reader.ReadAsync(cancellationToken);
        return read(new RowReader(reader));
    }

    private static FastSummary ReadSummary(RowReader row, AuditPlan plan)
    {
        var rows = row.Long();
        var first = row.NullableLong();
        var last = row.NullableLong();
        var versions = row.NullableString() is { } text
            ? text.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order().ToArray()
            : [];
        var agreeing = row.Long();
        var freshness = plan.Views.Select(view => new ViewLogFreshness(view.Name, row.Long(), row.Quantiles())).ToArray();
        return new FastSummary(rows, first, last, versions, agreeing, freshness);
    }

    private static UnmatchedFeature[] ReadUnmatched(RowReader row, AuditPlan plan) =>
        plan.Features.Select(_ => new UnmatchedFeature(
            row.Long(), row.Long(), AuditNames.Causes.ToDictionary(c => c, _ => row.Long()), row.Quantiles())).ToArray();

    /// <summary>
    /// The report: rows whose fingerprints all agree logged and matched every feature; the others count as their
    /// value-by-value comparison says.
    /// </summary>
    private static AuditReport Report(string service, AuditPlan plan, FastSummary fast, IReadOnlyList<UnmatchedFeature>? detail) => new()
    {
        Service = service,
        Rows = fast.Rows,
        FirstRequest = fast.First is { } f ? Core.Online.TimestampMicros.ToDateTimeOffset(f) : null,
        LastRequest = fast.Last is { } l ? Core.Online.TimestampMicros.ToDateTimeOffset(l) : null,
        RegistryVersions = fast.RegistryVersions,
        Features = plan.Features.Select(feature =>
        {
            var unmatched = detail?[feature.Index];
            return new FeatureAudit
            {
                Feature = feature.Reference.ToString(),
                Rows = fast.Agreeing + (unmatched?.Rows ?? 0),
                Matches = fast.Agreeing + (unmatched?.Matches ?? 0),
                ByCause = unmatched?.ByCause ?? AuditNames.Causes.ToDictionary(c => c, _ => 0L),
                StaleLag = unmatched?.StaleLag,
            };
        }).ToArray(),
        Freshness = fast.Freshness,
    };

    /// <summary>What one pass over every row gives.</summary>
    private sealed record FastSummary(
        long Rows, long? First, long? Last, IReadOnlyList<int> RegistryVersions, long Agreeing, IReadOnlyList<ViewLogFreshness> Freshness);

    /// <summary>One feature over the rows compared value by value.</summary>
    private sealed record UnmatchedFeature(long Rows, long Matches, IReadOnlyDictionary<MismatchCause, long> ByCause, Distribution? StaleLag);

    /// <summary>Reads one result row's columns in order.</summary>
    private sealed class RowReader(DbDataReader reader)
    {
        private int _ordinal;

        public long Long() => NullableLong() ?? 0;

        public long? NullableLong()
        {
            var value = reader.IsDBNull(_ordinal) ? (long?)null : Convert.ToInt64(reader.GetValue(_ordinal), CultureInfo.InvariantCulture);
            _ordinal++;
            return value;
        }

        public string? NullableString()
        {
            var value = reader.IsDBNull(_ordinal) ? null : reader.GetString(_ordinal);
            _ordinal++;
            return value;
        }

        /// <summary>p50, p95 and max µs, or null when there were no values.</summary>
        public Distribution? Quantiles()
        {
            var p50 = NullableLong();
            var p95 = NullableLong();
            var max = NullableLong();
            return p50 is null || p95 is null || max is null ? null : new Distribution(Micros(p50.Value), Micros(p95.Value), Micros(max.Value));
        }
    }

    /// <summary>The report of a window that holds no log file.</summary>
    private static AuditReport Empty(string service, IReadOnlyList<FeatureReference> features, IReadOnlyList<string> notLogged) => new()
    {
        Service = service,
        Rows = 0,
        Features = features.Select(f => new FeatureAudit
        {
            Feature = f.ToString(), Rows = 0, Matches = 0, ByCause = AuditNames.Causes.ToDictionary(c => c, _ => 0L),
        }).ToArray(),
        Freshness = features.Select(f => f.View).Distinct().Select(v => new ViewLogFreshness(v, 0, null)).ToArray(),
        NotLogged = notLogged,
    };

    /// <summary>
    /// The files that can hold requests in [since, until): those in a <c>date=YYYY-MM-DD</c> folder of a day the
    /// window touches, and any file outside such folders.
    /// </summary>
    private static IReadOnlyList<string> InWindow(IReadOnlyList<string> files, DateTimeOffset? since, DateTimeOffset? until) =>
        files.Where(file =>
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(file)) ?? "";
            if (!folder.StartsWith("date=", StringComparison.Ordinal)
                || !DateOnly.TryParseExact(folder["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return true;
            }
            return (since is null || day >= DateOnly.FromDateTime(since.Value.UtcDateTime))
                   && (until is null || day <= DateOnly.FromDateTime(until.Value.UtcDateTime));
        }).ToArray();

    private static TimeSpan Micros(long micros) => TimeSpan.FromTicks(micros * TimeSpan.TicksPerMicrosecond);

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        try
        {
            await DuckDbCommands.ExecuteAsync(connection, sql, parameters, cancellationToken);
        }
        catch (DuckDBException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure(ex);
        }
    }

    private static Exception Failure(DuckDBException ex) =>
        ex.ErrorType == DuckDB.NET.Native.DuckDBErrorType.OutOfMemory
            ? new StoreUnavailableException("DuckDB ran out of memory auditing the logs; raise the memory limit or free space for spilling.", ex)
            : new UserInputException($"Auditing the logs failed: {DuckDbMessages.Trim(ex.Message)}", ex);
}
