using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using Microsoft.Extensions.Logging;
using FeatureStore.DuckDb;

namespace FeatureStore.Bench;

/// <summary>
/// <c>training-set</c>: a point-in-time join of 1M entity rows against a 10M-row source (1M keys, three features),
/// (a) through <see cref="DuckDbOfflineStore"/> and (b) as a hand-written DuckDB ASOF JOIN giving the same file, in the
/// same process, alternating, best of <c>--repeat</c> runs each. Prints both times, their ratio, the peak RSS of (a)
/// and whether the two outputs are identical row for row. Target: ratio &lt;= 1.3, (a) &lt;= 15 s, peak RSS &lt; 3 GB.
/// Options: <c>--rows N --keys N --entity-rows N --repeat N --keep --print-sql</c>, and <c>--no-created</c> to declare
/// the source without its created timestamp (no tie-breaking: shows what breaking ties by created timestamp costs).
/// </summary>
internal sealed class TrainingSetBenchmark : IBenchmark
{
    public string Name => "training-set";

    public async Task<int> RunAsync(string[] args)
    {
        var rows = BenchOptions.Long(args, "--rows", 10_000_000);
        var keys = BenchOptions.Long(args, "--keys", 1_000_000);
        var entityRows = BenchOptions.Long(args, "--entity-rows", 1_000_000);
        var repeat = BenchOptions.Int(args, "--repeat", 2);
        var keep = args.Contains("--keep");
        var withCreated = !args.Contains("--no-created");
        var folder = Directory.CreateTempSubdirectory("fs-bench-training-set-").FullName;
        var source = Path.Combine(folder, "driver_stats.parquet");
        var entities = Path.Combine(folder, "entities.parquet");
        try
        {
            Console.WriteLine($"training-set: {rows:N0} source rows over {keys:N0} keys, {entityRows:N0} entity rows, {Environment.ProcessorCount} cores, folder {folder}");
            var generate = Stopwatch.StartNew();
            await GenerateAsync(source, entities, rows, keys, entityRows);
            Console.WriteLine($"generated in {generate.Elapsed.TotalSeconds:0.0} s ({new FileInfo(source).Length / 1e6:0} MB source, {new FileInfo(entities).Length / 1e6:0} MB entities)");

            var store = new DuckDbOfflineStore(logger: args.Contains("--print-sql") ? new SqlPrinter() : null);
            var request = Request(folder, entities, Path.Combine(folder, "a.parquet"), withCreated);
            Console.WriteLine(withCreated
                ? "source declared with created_timestamp_field (ties on event time broken by created time)"
                : "source declared without created_timestamp_field (--no-created)");
            var handWritten = Path.Combine(folder, "b.parquet");
            var bestApi = TimeSpan.MaxValue;
            var bestHand = TimeSpan.MaxValue;
            long peakApi = 0;
            for (var run = 0; run < repeat; run++)
            {
                var hand = await TimeAsync(() => HandWrittenAsync(source, entities, handWritten));
                var canReset = ResetPeakRss();
                var api = await TimeAsync(() => store.WriteTrainingSetAsync(request));
                peakApi = Math.Max(peakApi, canReset ? PeakRssBytes() : 0);
                Console.WriteLine($"  run {run + 1}: (a) training-set API {api.TotalSeconds:0.00} s, (b) hand-written ASOF JOIN {hand.TotalSeconds:0.00} s");
                bestApi = api < bestApi ? api : bestApi;
                bestHand = hand < bestHand ? hand : bestHand;
            }

            var identical = await IdenticalAsync(request.OutputPath, handWritten);
            var ratio = bestApi.TotalSeconds / bestHand.TotalSeconds;
            Console.WriteLine($"(a) training-set API:      {bestApi.TotalSeconds:0.00} s (best of {repeat})");
            Console.WriteLine($"(b) hand-written ASOF JOIN: {bestHand.TotalSeconds:0.00} s (best of {repeat})");
            Console.WriteLine($"ratio (a)/(b):             {ratio:0.00} (target <= 1.3)");
            Console.WriteLine(peakApi > 0
                ? $"peak RSS during (a):       {peakApi / (1024.0 * 1024 * 1024):0.00} GB (VmHWM, reset before each run; target < 3 GB)"
                : $"peak RSS of the process:   {PeakRssBytes() / (1024.0 * 1024 * 1024):0.00} GB (VmHWM; could not reset it before (a))");
            Console.WriteLine($"outputs identical row for row: {(identical ? "yes" : "NO")}");
            return identical ? 0 : 1;
        }
        finally
        {
            if (!keep)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static TrainingSetRequest Request(string folder, string entities, string output, bool withCreated)
    {
        var definitions = new DefinitionSet
        {
            Project = "bench",
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            Sources = [new SourceDefinition { Name = "driver_stats_source", Path = "driver_stats.parquet", TimestampField = "event_timestamp", CreatedTimestampField = withCreated ? "created" : null }],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "driver_hourly_stats", Entities = ["driver"], Source = "driver_stats_source", Ttl = TimeSpan.FromDays(1),
                    Features =
                    [
                        new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
                        new FeatureDefinition { Name = "acc_rate", Type = new FeatureType(ScalarType.Float32) },
                        new FeatureDefinition { Name = "avg_daily_trips", Type = new FeatureType(ScalarType.Int64) },
                    ],
                },
            ],
        };
        return new TrainingSetRequest
        {
            Definitions = definitions,
            RepositoryRoot = folder,
            Features = definitions.ResolveReferences(["driver_hourly_stats"]),
            EntityFile = entities,
            OutputPath = output,
        };
    }

    /// <summary>
    /// One row per key per day (so (key, event time) never ties and a plain ASOF JOIN gives the same answer as the
    /// rule), created up to an hour after the event; entity times spread over the same days plus one.
    /// </summary>
    private static async Task GenerateAsync(string source, string entities, long rows, long keys, long entityRows)
    {
        var days = Math.Max(1, (rows + keys - 1) / keys);
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, $"""
            COPY (
              SELECT i % {keys} AS driver_id,
                     TIMESTAMP '2024-01-01' + to_seconds(CAST((i // {keys}) * 86400 + hash(i) % 86400 AS BIGINT)) AS event_timestamp,
                     TIMESTAMP '2024-01-01' + to_seconds(CAST((i // {keys}) * 86400 + hash(i) % 86400 + hash(i * 7) % 3600 AS BIGINT)) AS created,
                     CAST(hash(i * 3) % 1000000 AS FLOAT) / 1000000 AS conv_rate,
                     CAST(hash(i * 5) % 1000000 AS FLOAT) / 1000000 AS acc_rate,
                     CAST(hash(i * 11) % 1000 AS BIGINT) AS avg_daily_trips
              FROM range({rows}) r(i)
            ) TO $path (FORMAT PARQUET)
            """, source);
        await ExecuteAsync(connection, $"""
            COPY (
              SELECT CAST(hash(i * 13) % {keys} AS BIGINT) AS driver_id,
                     TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i * 17) % {(days + 1) * 86400} AS BIGINT)) AS event_timestamp,
                     i % 2 = 0 AS label
              FROM range({entityRows}) r(i)
            ) TO $path (FORMAT PARQUET)
            """, entities);
    }

    /// <summary>What a data engineer would write by hand for the same file: one ASOF JOIN, TTL as a CASE, input order kept.</summary>
    private static async Task HandWrittenAsync(string source, string entities, string output)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            COPY (
              SELECT e.driver_id, e.event_timestamp, e.label,
                     CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 1 DAY THEN f.conv_rate END AS conv_rate,
                     CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 1 DAY THEN f.acc_rate END AS acc_rate,
                     CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 1 DAY THEN f.avg_daily_trips END AS avg_daily_trips
              FROM read_parquet($entities, file_row_number = true) e
              ASOF LEFT JOIN read_parquet($source) f
                ON e.driver_id = f.driver_id AND e.event_timestamp >= f.event_timestamp
              ORDER BY e.file_row_number
            ) TO $out (FORMAT PARQUET)
            """;
        command.Parameters.Add(new DuckDBParameter("entities", entities));
        command.Parameters.Add(new DuckDBParameter("source", source));
        command.Parameters.Add(new DuckDBParameter("out", output));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<bool> IdenticalAsync(string a, string b)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM read_parquet($a)) = (SELECT count(*) FROM read_parquet($b))
               AND (SELECT count(*)
                    FROM read_parquet($a, file_row_number = true) x
                    JOIN read_parquet($b, file_row_number = true) y USING (file_row_number)
                    WHERE (x.driver_id, x.event_timestamp, x.label, x.conv_rate, x.acc_rate, x.avg_daily_trips)
                          IS DISTINCT FROM (y.driver_id, y.event_timestamp, y.label, y.conv_rate, y.acc_rate, y.avg_daily_trips)) = 0
            """;
        command.Parameters.Add(new DuckDBParameter("a", a));
        command.Parameters.Add(new DuckDBParameter("b", b));
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<DuckDBConnection> OpenAsync()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SET TimeZone = 'UTC'";
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, string path)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("path", path));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var stopwatch = Stopwatch.StartNew();
        await action();
        return stopwatch.Elapsed;
    }

    /// <summary>Linux: writing 5 to clear_refs resets VmHWM, so the peak of one phase can be read on its own.</summary>
    private static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long PeakRssBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    /// <summary>Prints the store's debug log (the generated SQL) to stderr for <c>--print-sql</c>.</summary>
    private sealed class SqlPrinter : ILogger<DuckDbOfflineStore>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine(formatter(state, exception));
            }
        }
    }
}
