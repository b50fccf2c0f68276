using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Logging;

/// <summary>
/// The served-feature log: lookups hand their answers to <see cref="TryAppend"/>, which never waits (a full queue
/// drops the rows and counts them), and one background loop (<see cref="RunAsync"/>) copies their rows into a
/// <see cref="LogBatch"/> per schema and day as they arrive (so the answers are garbage at once) and writes them to
/// <c>&lt;folder&gt;/&lt;service&gt;/date=YYYY-MM-DD/&lt;time&gt;-&lt;id&gt;.parquet</c> through a temporary name and a rename: at <see cref="FeatureLogOptions.FlushRows"/> rows, every <see cref="FeatureLogOptions.FlushInterval"/>,
/// on <see cref="FlushAsync"/> and when <see cref="Complete"/> ends the loop. A file that cannot be written is logged
/// as an error and its rows counted as dropped; the loop carries on.
/// </summary>
public sealed class ServedFeatureLog
{
    private static readonly TimeSpan ErrorLogInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogFileWriter _writer;
    private readonly FeatureLogOptions _options;
    private readonly IFeatureLogCounters? _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<(string Signature, DateOnly Day), Pending> _pending = new();
    private long _queuedRows;
    private long _droppedRows;
    private long _writtenRows;
    private DateTimeOffset _lastErrorLogged = DateTimeOffset.MinValue;
    private bool _failing;

    public ServedFeatureLog(
        ILogFileWriter writer, FeatureLogOptions options, IFeatureLogCounters? counters = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        _writer = writer;
        _options = options;
        _counters = counters;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public FeatureLogOptions Options => _options;

    /// <summary>Rows waiting in the queue (not yet taken by the writer loop).</summary>
    public long QueuedRows => Interlocked.Read(ref _queuedRows);

    /// <summary>Rows dropped so far.</summary>
    public long DroppedRows => Interlocked.Read(ref _droppedRows);

    /// <summary>Rows in complete files so far.</summary>
    public long WrittenRows => Interlocked.Read(ref _writtenRows);

    /// <summary>Batches kept by the writer loop, written or not (read by tests, racing the loop harmlessly).</summary>
    internal int KeptBatches => _pending.Count;

    /// <summary>
    /// Queues the rows of one request; false (rows dropped and counted) when the queue holds
    /// <see cref="FeatureLogOptions.QueueCapacityRows"/> rows already or the log is closed. Never waits.
    /// </summary>
    public bool TryAppend(LoggedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RowCount == 0)
        {
            return true;
        }
        if (Interlocked.Add(ref _queuedRows, request.RowCount) > _options.QueueCapacityRows || !_queue.Writer.TryWrite(request))
        {
            Interlocked.Add(ref _queuedRows, -request.RowCount);
            Drop(request.RowCount);
            return false;
        }
        return true;
    }

    /// <summary>Writes everything queued before this call to files; completes when they are renamed into place.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = new FlushRequest();
        if (!_queue.Writer.TryWrite(flush))
        {
            return Task.CompletedTask;
        }
        return flush.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Closes the queue: <see cref="RunAsync"/> writes what is queued and returns. Later appends are dropped.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// The writer loop; returns after <see cref="Complete"/> once everything queued is written. Cancelling
    /// <paramref name="cancellationToken"/> abandons a write in progress and returns without flushing (a forced stop).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var reader = _queue.Reader;
        using var ticker = StartTicker(cancellationToken);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    switch (item)
                    {
                        case LoggedRequest request:
                            Interlocked.Add(ref _queuedRows, -request.RowCount);
                            await AddAsync(request, cancellationToken).ConfigureAwait(false);
                            break;
                        case FlushRequest flush:
                            await WriteAllAsync(cancellationToken).ConfigureAwait(false);
                            flush.Done.TrySetResult();
                            break;
                        case Tick:
                            await WriteDueAsync(cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
            }
            await WriteAllAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever could not be written (a forced stop) is dropped, and anyone waiting for a flush is released.
            foreach (var pending in _pending.Values)
            {
                Drop(pending.Batch.Count);
            }
            _pending.Clear();
            while (reader.TryRead(out var item))
            {
                if (item is LoggedRequest request)
                {
                    Interlocked.Add(ref _queuedRows, -request.RowCount);
                    Drop(request.RowCount);
                }
                else if (item is FlushRequest flush)
                {
                    flush.Done.TrySetResult();
                }
            }
        }
    }

    private ITimer StartTicker(CancellationToken cancellationToken)
    {
        // The tick goes through the queue, so the loop alone touches the pending rows; half the interval keeps a
        // row's wait within about one interval.
        var period = _options.FlushInterval / 2;
        return _time.CreateTimer(_ => _queue.Writer.TryWrite(Tick.Instance), null, period, period);
    }

    private async Task AddAsync(LoggedRequest request, CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(DateTime.UnixEpoch.AddTicks(request.RequestTimeMicros * TimeSpan.TicksPerMicrosecond));
        var key = (request.Schema.Signature, day);
        if (!_pending.TryGetValue(key, out var pending))
        {
            _pending[key] = pending = new Pending(new LogBatch(request.Schema, day));
        }
        if (pending.Batch.Count == 0)
        {
            pending.Since = _time.GetUtcNow();
        }
        pending.Batch.Append(request);
        if (pending.Batch.Count >= _options.FlushRows)
        {
            await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the batches whose first row has waited an interval, and forgets those left empty for an interval (a
    /// past day, a schema no longer served), so only batches in use keep their room.
    /// </summary>
    private async Task WriteDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, pending) in _pending.Where(p => now - p.Value.Since >= _options.FlushInterval).ToArray())
        {
            if (pending.Batch.Count == 0)
            {
                _pending.Remove(key);
                continue;
            }
            await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAllAsync(CancellationToken cancellationToken)
    {
        foreach (var pending in _pending.Values.Where(p => p.Batch.Count > 0).ToArray())
        {
            await WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the batch to a file and empties it, written or not (rows not written are counted as dropped).</summary>
    private async Task WriteAsync(Pending pending, CancellationToken cancellationToken)
    {
        var batch = pending.Batch;
        try
        {
            await WriteFileAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            batch.Clear();
            pending.Since = _time.GetUtcNow();
        }
    }

    private async Task WriteFileAsync(LogBatch batch, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_options.Folder, batch.Schema.Folder, "date=" + batch.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var name = $"{_time.GetUtcNow():yyyyMMdd'T'HHmmssfff'Z'}-{Guid.NewGuid():N}{_writer.Extension}";
        var path = Path.Combine(folder, name);
        // A hidden name that does not end in the extension: globs for log files never match a file being written.
        var temporary = Path.Combine(folder, $".{name}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            await _writer.WriteAsync(temporary, batch, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            TryDelete(temporary);
            Drop(batch.Count);
            ReportFailure(folder, batch.Count, ex);
            return;
        }
        catch
        {
            TryDelete(temporary);
            Drop(batch.Count);
            throw;
        }
        Interlocked.Add(ref _writtenRows, batch.Count);
        _counters?.RowsWritten(batch.Count);
        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("Served-feature log files are written again ({Folder}).", folder);
        }
    }

    private void ReportFailure(string folder, int rows, Exception ex)
    {
        // Once a minute at most: an unwritable folder fails every flush, and serving goes on regardless.
        var now = _time.GetUtcNow();
        _failing = true;
        if (now - _lastErrorLogged < ErrorLogInterval)
        {
            return;
        }
        _lastErrorLogged = now;
        _logger.LogError(
            "Cannot write served-feature log file in {Folder} ({Reason}); {Rows} rows dropped ({Dropped} in total, see featurestore_logged_rows_dropped_total); serving goes on.",
            folder, ex.Message, rows, DroppedRows);
    }

    private void Drop(long rows)
    {
        Interlocked.Add(ref _droppedRows, rows);
        _counters?.RowsDropped(rows);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to clean up, or nowhere to clean it up: the rows are already counted as dropped.
        }
    }

    /// <summary>A batch and since when it has held rows (or, empty, since when it has been idle).</summary>
    private sealed class Pending(LogBatch batch)
    {
        public LogBatch Batch { get; } = batch;
        public DateTimeOffset Since { get; set; }
    }

    private sealed class FlushRequest
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
