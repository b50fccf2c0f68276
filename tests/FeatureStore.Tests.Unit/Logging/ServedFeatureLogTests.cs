using DuckDB.NET.Data;
using FeatureStore.Core.Logging;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Registry;
using Microsoft.Extensions.Logging;
using Parquet;
using Parquet.Schema;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// The served-feature log's writer on its own: file layout and content (read back with DuckDB and Parquet.Net), the
/// 10,000-row and interval flushes, the bounded queue that drops and counts instead of waiting, the flush on shutdown,
/// and an unwritable folder.
/// </summary>
public sealed class ServedFeatureLogTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private FeatureLogOptions Options(TimeSpan? interval = null) => new()
    {
        Folder = _folder.Combine("logs"),
        FlushInterval = interval ?? TimeSpan.FromHours(1),
    };

    private string[] LogFiles() => Directory.Exists(_folder.Combine("logs"))
        ? Directory.GetFiles(_folder.Combine("logs"), "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public async Task Log_files_hold_one_row_per_entity_with_every_column_readable_by_DuckDB_and_Parquet_Net()
    {
        var logger = new RecordingLogger();
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options(), logger: logger);
        var run = log.RunAsync();
        var first = LogTestData.Request(5, firstDriver: 10, id: "req-a");
        var second = LogTestData.Request(6, firstDriver: 20, id: "req-b");
        Assert.True(log.TryAppend(first));
        Assert.True(log.TryAppend(second));
        log.Complete();
        await run;

        Assert.True(logger.Entries.Count == 0, string.Join("\n", logger.Entries.Select(e => e.Message)));
        var file = Assert.Single(LogFiles());
        Assert.Equal(_folder.Combine("logs", "everything", "date=2024-05-01"), Path.GetDirectoryName(file));
        Assert.EndsWith(".parquet", file, StringComparison.Ordinal);
        Assert.Equal(11, log.WrittenRows);

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET TimeZone = 'UTC'");
        var types = await QueryAsync(connection, $"SELECT column_name || ' ' || column_type FROM (DESCRIBE SELECT * FROM read_parquet('{file}', hive_partitioning = false))");
        Assert.Equal(
        [
            "request_id VARCHAR", "request_time TIMESTAMP WITH TIME ZONE", "registry_version INTEGER", "customer_id VARCHAR", "driver_id BIGINT",
            "stats__conv FLOAT", "stats__conv__status VARCHAR", "stats__conv__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__trips BIGINT", "stats__trips__status VARCHAR", "stats__trips__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__label VARCHAR", "stats__label__status VARCHAR", "stats__label__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__vip BOOLEAN", "stats__vip__status VARCHAR", "stats__vip__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__level INTEGER", "stats__level__status VARCHAR", "stats__level__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__score DOUBLE", "stats__score__status VARCHAR", "stats__score__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__raw BLOB", "stats__raw__status VARCHAR", "stats__raw__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__seen TIMESTAMP WITH TIME ZONE", "stats__seen__status VARCHAR", "stats__seen__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__tags VARCHAR[]", "stats__tags__status VARCHAR", "stats__tags__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__emb FLOAT[]", "stats__emb__status VARCHAR", "stats__emb__event_timestamp TIMESTAMP WITH TIME ZONE",
            "stats__times TIMESTAMP WITH TIME ZONE[]", "stats__times__status VARCHAR", "stats__times__event_timestamp TIMESTAMP WITH TIME ZONE",
            "pair__rides INTEGER", "pair__rides__status VARCHAR", "pair__rides__event_timestamp TIMESTAMP WITH TIME ZONE",
        ], types);

        var rows = await QueryAsync(connection,
            "SELECT concat_ws(' | ', request_id, strftime(request_time, '%Y-%m-%dT%H:%M:%S.%f'), registry_version, driver_id, customer_id, " +
            "coalesce(stats__conv::VARCHAR, 'null'), stats__conv__status, coalesce(strftime(stats__conv__event_timestamp, '%H:%M:%S.%f'), 'null'), " +
            "coalesce(stats__trips::VARCHAR, 'null'), coalesce(stats__label, 'null'), coalesce(stats__vip::VARCHAR, 'null'), " +
            "coalesce(stats__level::VARCHAR, 'null'), coalesce(stats__score::VARCHAR, 'null'), coalesce(hex(stats__raw), 'null'), " +
            "coalesce(strftime(stats__seen, '%H:%M:%S.%f'), 'null'), coalesce(stats__tags::VARCHAR, 'null'), coalesce(stats__emb::VARCHAR, 'null'), " +
            $"coalesce(pair__rides::VARCHAR, 'null'), pair__rides__status) FROM read_parquet('{file}', hive_partitioning = false) WHERE request_id = 'req-a'");
        Assert.Equal(
        [
            "req-a | 2024-05-01T11:30:15.250000 | 7 | 10 | c0 | 0.25 | PRESENT | 10:30:15.250000 | 1000000000000 | label-0 | true | 0 | 0.0 | 00FF | 10:30:15.250000 | [t0, x] | [] | 0 | PRESENT",
            "req-a | 2024-05-01T11:30:15.250000 | 7 | 11 | c1 | null | NOT_FOUND | null | null | null | null | null | null | null | null | null | null | null | NOT_FOUND",
            "req-a | 2024-05-01T11:30:15.250000 | 7 | 12 | c2 | null | NULL_VALUE | 10:30:15.250000 | null | null | null | null | null | null | null | null | null | null | NULL_VALUE",
            "req-a | 2024-05-01T11:30:15.250000 | 7 | 13 | c3 | null | OUTSIDE_MAX_AGE | 10:30:15.249999 | null | null | null | null | null | null | null | null | null | null | OUTSIDE_MAX_AGE",
            "req-a | 2024-05-01T11:30:15.250000 | 7 | 14 | c4 | 4.25 | PRESENT | 10:30:15.250004 | 1000000000004 | label-4 | true | -4 | 1.3333333333333333 | 04FF | 10:30:15.249996 | [t4, x] | [] | -4 | PRESENT",
        ], rows);
        Assert.Equal(["[NULL, t5]|[5.5, NULL]|['2024-05-01 10:30:15.250005+00', NULL]"], await QueryAsync(connection,
            $"SELECT stats__tags::VARCHAR || '|' || stats__emb::VARCHAR || '|' || stats__times::VARCHAR FROM read_parquet('{file}', hive_partitioning = false) WHERE request_id = 'req-b' AND driver_id = 25"));

        // Filters on timestamps prune by the file's statistics: they must hold the real instants.
        Assert.Equal(["11"], await QueryAsync(connection,
            $"SELECT count(*)::VARCHAR FROM read_parquet('{file}', hive_partitioning = false) WHERE request_time >= '2024-05-01 11:30:00+00' AND stats__conv__event_timestamp IS DISTINCT FROM '1970-01-01 00:00:00+00'"));
        Assert.Equal(["3"], await QueryAsync(connection,
            $"SELECT count(*)::VARCHAR FROM read_parquet('{file}', hive_partitioning = false) WHERE stats__conv__event_timestamp > '2024-05-01 10:30:15.250002+00'"));

        await using var reader = await ParquetReader.CreateAsync(file);
        Assert.Equal("1", reader.CustomMetadata[ParquetLogFileWriter.FormatVersionKey]);
        Assert.Equal("everything", reader.CustomMetadata[ParquetLogFileWriter.ServiceKey]);
        var fields = reader.Schema.GetDataFields();
        using var group = reader.OpenRowGroupReader(0);
        Assert.Equal(11, group.RowCount);
        var ids = new string?[11];
        await group.ReadAsync(fields.Single(f => f.Name == "request_id"), ids.AsMemory());
        Assert.Equal(Enumerable.Repeat("req-a", 5).Concat(Enumerable.Repeat("req-b", 6)), ids);
        var drivers = new long?[11];
        await group.ReadAsync(fields.Single(f => f.Name == "driver_id"), drivers.AsMemory());
        Assert.Equal([10L, 11, 12, 13, 14, 20, 21, 22, 23, 24, 25], drivers.Select(d => d!.Value));
        var statuses = new string?[11];
        await group.ReadAsync(fields.Single(f => f.Name == "stats__trips__status"), statuses.AsMemory());
        Assert.Equal(["PRESENT", "NOT_FOUND", "NULL_VALUE", "OUTSIDE_MAX_AGE", "PRESENT"], statuses.Take(5));
        var trips = new long?[11];
        await group.ReadAsync(fields.Single(f => f.Name == "stats__trips"), trips.AsMemory());
        Assert.Equal([1_000_000_000_000L, null, null, null, 1_000_000_000_004L], trips.Take(5));
        var times = new DateTime?[11];
        await group.ReadAsync(fields.Single(f => f.Name == "request_time"), times.AsMemory());
        Assert.All(times, t => Assert.Equal(LogTestData.Event.AddHours(1).UtcDateTime, t));
    }

    [Fact]
    public async Task Rows_of_one_kind_are_written_as_soon_as_10000_are_waiting()
    {
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options());
        using var stop = new CancellationTokenSource();
        var run = log.RunAsync(stop.Token);
        for (var i = 0; i < 9; i++)
        {
            Assert.True(log.TryAppend(LogTestData.Request(1000, firstDriver: i * 1000)));
        }
        Assert.True(log.TryAppend(LogTestData.Request(999, firstDriver: 9000)));
        Assert.True(log.TryAppend(LogTestData.Request(1, firstDriver: 9999)));

        await WaitUntilAsync(() => log.WrittenRows > 0);
        Assert.Equal(10_000, log.WrittenRows);
        Assert.Single(LogFiles());

        // The interval is an hour: the next rows wait for it (or for shutdown).
        Assert.True(log.TryAppend(LogTestData.Request(5)));
        log.Complete();
        await run;
        Assert.Equal(10_005, log.WrittenRows);
        var files = LogFiles().OrderByDescending(f => new FileInfo(f).Length).ToArray();
        Assert.Equal(2, files.Length);

        // Rows are copied into one batch as they arrive, grown as it fills and emptied for the next file: each file
        // holds its own rows in order, values in line with their statuses. Per request of n rows, rows 1-3 are not
        // PRESENT and row i >= 4 (and row 0) holds trips 10^12 + i.
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        Assert.Equal(["10000 true 9970 4993941"], await QueryAsync(connection,
            "SELECT concat_ws(' ', count(*), bool_and(driver_id = file_row_number), count(stats__trips), sum(stats__trips - 1000000000000)) " +
            $"FROM read_parquet('{files[0]}', file_row_number = true, hive_partitioning = false)"));
        Assert.Equal(["5 [1, 2, 3, 4, 5] [PRESENT, NOT_FOUND, NULL_VALUE, OUTSIDE_MAX_AGE, PRESENT]"], await QueryAsync(connection,
            "SELECT concat_ws(' ', count(*), list(driver_id ORDER BY file_row_number), list(stats__trips__status ORDER BY file_row_number)) " +
            $"FROM read_parquet('{files[1]}', file_row_number = true, hive_partitioning = false)"));
    }

    [Fact]
    public async Task Waiting_rows_are_written_every_flush_interval()
    {
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options(TimeSpan.FromMilliseconds(200)));
        using var stop = new CancellationTokenSource();
        var run = log.RunAsync(stop.Token);
        Assert.True(log.TryAppend(LogTestData.Request(5)));

        await WaitUntilAsync(() => log.WrittenRows == 5);
        Assert.Single(LogFiles());
        log.Complete();
        await run;
    }

    [Fact]
    public async Task A_batch_left_empty_for_a_flush_interval_is_let_go_and_a_new_one_starts_with_the_next_rows()
    {
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options(TimeSpan.FromMilliseconds(200)));
        var run = log.RunAsync();
        Assert.True(log.TryAppend(LogTestData.Request(5)));
        await WaitUntilAsync(() => log.WrittenRows == 5);

        // Written and emptied, the batch is kept for the next rows of its kind, then let go after an idle interval.
        await WaitUntilAsync(() => log.KeptBatches == 0);
        Assert.True(log.TryAppend(LogTestData.Request(3)));
        await WaitUntilAsync(() => log.WrittenRows == 8);
        log.Complete();
        await run;
        Assert.Equal(2, LogFiles().Length);
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_rows_without_waiting_while_the_writer_is_stuck()
    {
        var gate = new TaskCompletionSource();
        var counters = new RecordingCounters();
        var log = new ServedFeatureLog(new GatedWriter(gate.Task), Options() with { QueueCapacityRows = 100, FlushRows = 10 }, counters);
        var run = log.RunAsync();
        // The first ten rows reach the writer, which then blocks; the queue takes 100 more, the rest are dropped.
        Assert.True(log.TryAppend(LogTestData.Request(10)));
        await WaitUntilAsync(() => log.QueuedRows == 0);

        var accepted = Enumerable.Range(0, 15).Select(_ => log.TryAppend(LogTestData.Request(10))).ToArray();

        Assert.Equal(Enumerable.Repeat(true, 10).Concat(Enumerable.Repeat(false, 5)), accepted);
        Assert.Equal(50, log.DroppedRows);
        Assert.Equal(50, counters.Dropped);
        Assert.Equal(100, log.QueuedRows);

        gate.SetResult();
        log.Complete();
        await run;
        Assert.Equal(110, log.WrittenRows);
        Assert.Equal(110, counters.Written);
        Assert.Equal(50, log.DroppedRows);
    }

    [Fact]
    public async Task Completing_the_log_writes_everything_queued_and_later_rows_are_dropped()
    {
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options());
        // Queued before the writer loop even starts, like answers served just before shutdown.
        Assert.True(log.TryAppend(LogTestData.Request(4)));
        Assert.True(log.TryAppend(LogTestData.Request(3, at: LogTestData.Event.AddDays(1))));
        log.Complete();
        Assert.False(log.TryAppend(LogTestData.Request(2)));

        await log.RunAsync();

        Assert.Equal(7, log.WrittenRows);
        Assert.Equal(2, log.DroppedRows);
        Assert.Equal(["date=2024-05-01", "date=2024-05-02"],
            LogFiles().Select(f => Path.GetFileName(Path.GetDirectoryName(f))!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Files_are_written_under_a_hidden_temporary_name_and_a_failed_write_leaves_nothing()
    {
        var writer = new CheckingWriter(new ParquetLogFileWriter());
        var log = new ServedFeatureLog(writer, Options());
        var run = log.RunAsync();
        Assert.True(log.TryAppend(LogTestData.Request(4)));
        await log.FlushAsync();
        writer.FailNext = true;
        Assert.True(log.TryAppend(LogTestData.Request(3)));
        await log.FlushAsync();
        log.Complete();
        await run;

        Assert.All(writer.Paths, p => Assert.Matches(@"^\.\d{8}T\d{9}Z-[0-9a-f]{32}\.parquet\.tmp$", Path.GetFileName(p)));
        var file = Assert.Single(LogFiles());
        Assert.Equal(Path.GetFileName(writer.Paths[0])[1..^".tmp".Length], Path.GetFileName(file));
        Assert.Equal(4, log.WrittenRows);
        Assert.Equal(3, log.DroppedRows);
    }

    [Fact]
    public async Task An_unwritable_log_folder_is_logged_as_an_error_and_counted_as_drops_while_rows_are_still_accepted()
    {
        var blocker = _folder.Combine("not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the log folder should be");
        var logger = new RecordingLogger();
        var log = new ServedFeatureLog(new ParquetLogFileWriter(), Options() with { Folder = Path.Combine(blocker, "logs") }, logger: logger);
        var run = log.RunAsync();

        Assert.True(log.TryAppend(LogTestData.Request(4)));
        await log.FlushAsync();
        Assert.True(log.TryAppend(LogTestData.Request(3)));
        await log.FlushAsync();

        Assert.Equal(7, log.DroppedRows);
        Assert.Equal(0, log.WrittenRows);
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("Cannot write served-feature log file in", error.Message);
        Assert.Contains("serving goes on", error.Message);
        Assert.False(run.IsCompleted);
        log.Complete();
        await run;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true within 60 s.");
            await Task.Delay(20);
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> QueryAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    public void Dispose() => _folder.Dispose();

    private sealed class RecordingCounters : IFeatureLogCounters
    {
        private long _written;
        private long _dropped;

        public long Written => Interlocked.Read(ref _written);

        public long Dropped => Interlocked.Read(ref _dropped);

        public void RowsWritten(long rows) => Interlocked.Add(ref _written, rows);

        public void RowsDropped(long rows) => Interlocked.Add(ref _dropped, rows);
    }

    /// <summary>Writes nothing until the gate opens: a writer stuck on a slow disk.</summary>
    private sealed class GatedWriter(Task gate) : ILogFileWriter
    {
        public string Extension => ".parquet";

        public async Task WriteAsync(string path, LogBatch batch, CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken);
            await new ParquetLogFileWriter().WriteAsync(path, batch, cancellationToken);
        }
    }

    /// <summary>Records the paths it is given; fails one write after starting the file when told to.</summary>
    private sealed class CheckingWriter(ILogFileWriter inner) : ILogFileWriter
    {
        public List<string> Paths { get; } = [];

        public bool FailNext { get; set; }

        public string Extension => inner.Extension;

        public async Task WriteAsync(string path, LogBatch batch, CancellationToken cancellationToken = default)
        {
            Paths.Add(path);
            if (FailNext)
            {
                FailNext = false;
                await File.WriteAllTextAsync(path, "half a file", cancellationToken);
                throw new IOException("disk full");
            }
            await inner.WriteAsync(path, batch, cancellationToken);
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
