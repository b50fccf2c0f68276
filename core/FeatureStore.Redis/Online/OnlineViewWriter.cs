using System.Data.Common;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Writes the latest rows of one view to Redis: rows are buffered per hash-slot bucket and sent as calls of the
/// compare-and-set <see cref="OnlineWriteScript"/> with <see cref="RedisOnlineStoreOptions.KeysPerCall"/> keys each
/// (cluster-safe: one bucket = one slot; on a standalone Redis, which has no slots, all buckets share calls). Calls
/// are pipelined per primary that owns their slot, at most <see cref="RedisOnlineStoreOptions.MaxCallsInFlight"/>
/// each, so every shard of a cluster writes concurrently with a full pipeline and a slow shard holds back only its own
/// calls (a single Redis is one primary). Every call is awaited and retried with backoff (the script is idempotent),
/// so memory stays bounded and
/// <see cref="FlushAsync"/> returning means every row is in Redis. Not thread-safe: one producer.
/// <para>Rows come from <see cref="WriteAsync"/> (a reader in <see cref="LatestRowLayout"/>, transcoded without
/// boxing by <see cref="RowTranscoder"/>), <see cref="WriteRowAsync"/> (CLR values), or directly: <see cref="BeginRow"/>,
/// append the join-key values to <see cref="Key"/> in <see cref="KeyEntities"/> order and the feature values to
/// <see cref="Values"/> in view order, then <see cref="EndRowAsync"/>.</para>
/// </summary>
internal sealed class OnlineViewWriter : IOnlineViewWriter
{
    private readonly RedisOnlineStore _store;
    private readonly OnlineKeyLayout _keyLayout;
    private readonly EntitySetKeys _keys;
    private readonly FeatureValueCodec _codec;
    private readonly IDatabase _database;
    private readonly RedisValue _field;
    private readonly long _ttlMicros;
    private readonly int _keysPerCall;
    private readonly int _maxInFlight;
    private readonly PendingCall?[] _buckets = new PendingCall?[OnlineKeyLayout.BucketCount];
    private readonly Dictionary<string, Queue<Task<(long Written, int Keys)>>> _inFlight = new(StringComparer.Ordinal);
    private readonly RetryWarningGate _retryWarnings = new(TimeSpan.FromSeconds(1));
    private readonly bool _singleNode;
    private byte[] _scriptSha;
    private bool _rowOpen;
    private RowTranscoder? _transcoder;

    /// <summary>With <paramref name="singleNode"/> (a standalone Redis), rows of every bucket share calls, so a small
    /// batch (a push of 100 rows) is one or two calls rather than one per bucket.</summary>
    internal OnlineViewWriter(
        RedisOnlineStore store, OnlineKeyLayout keyLayout, EntitySetKeys keys, FeatureValueCodec codec, LatestRowLayout layout,
        byte[] scriptSha, bool singleNode = false)
    {
        _singleNode = singleNode;
        var view = layout.View;
        Layout = layout;
        _store = store;
        _keyLayout = keyLayout;
        _keys = keys;
        _codec = codec;
        View = view;
        _scriptSha = scriptSha;
        _database = store.Connection.GetDatabase();
        _field = OnlineKeyLayout.ViewField(view.Name);
        _ttlMicros = view.Ttl <= TimeSpan.Zero ? 0 : view.Ttl.Ticks / TimeSpan.TicksPerMicrosecond;
        _keysPerCall = Math.Max(1, store.Options.KeysPerCall);
        _maxInFlight = Math.Max(1, store.Options.MaxCallsInFlight);
    }

    public FeatureViewDefinition View { get; }

    public LatestRowLayout Layout { get; }

    /// <summary>The entities whose join-key values make the key, in the order to append them (sorted by name).</summary>
    public IReadOnlyList<EntityDefinition> KeyEntities => _keys.Entities;

    public EntityKeyWriter Key { get; } = new();

    public FeatureBlobWriter Values { get; } = new();

    /// <summary>Rows handed to the writer.</summary>
    public long RowsQueued { get; private set; }

    /// <summary>Rows Redis confirmed, written or skipped because a newer value was already there.</summary>
    public long RowsConfirmed { get; private set; }

    /// <summary>Rows the script wrote: confirmed rows minus those skipped because Redis held a newer version.</summary>
    public long RowsWritten { get; private set; }

    public ValueTask WriteAsync(DbDataReader row, CancellationToken cancellationToken = default)
    {
        _transcoder ??= new RowTranscoder(Layout);
        return _transcoder.WriteCurrentRowAsync(row, this, cancellationToken);
    }

    public void BeginRow()
    {
        Key.Reset();
        Values.Begin(_codec.Fingerprint, _codec.Features.Count);
        _rowOpen = true;
    }

    /// <summary>
    /// Queues the row with its version, which the write script compares with the stored one.
    /// Completes synchronously unless the pipeline is full; throws <see cref="StoreUnavailableException"/> when a
    /// call failed after its retries.
    /// </summary>
    public ValueTask EndRowAsync(RowVersion version, CancellationToken cancellationToken = default)
    {
        if (!_rowOpen)
        {
            throw new InvalidOperationException("Call BeginRow first.");
        }
        _rowOpen = false;
        Values.Complete();
        var encodedKey = Key.Written;
        var bucket = _keys.Bucket(encodedKey);
        var key = _keys.BuildKey(encodedKey, bucket);
        var value = new byte[StoredViewValue.HeaderSize + Values.Length];
        StoredViewValue.WriteHeader(value, version);
        Values.Written.CopyTo(value.AsSpan(StoredViewValue.HeaderSize));
        RowsQueued++;

        var call = _singleNode ? 0 : bucket;
        var pending = _buckets[call] ??= new PendingCall(_keysPerCall, _field);
        pending.Add(key, value, OnlineWriteScript.ExpiryMillis(version.EventMicros, _ttlMicros));
        if (pending.Count < _keysPerCall)
        {
            return ValueTask.CompletedTask;
        }
        _buckets[call] = null;
        return DispatchAsync(pending, cancellationToken);
    }

    /// <summary>One row from CLR values (see <see cref="FeatureValueCodec.Encode(FeatureBlobWriter, IReadOnlyList{object?})"/>).</summary>
    public ValueTask WriteRowAsync(
        IReadOnlyList<object> keyValues, IReadOnlyList<object?> featureValues, DateTimeOffset eventTimestamp,
        DateTimeOffset? createdTimestamp = null, CancellationToken cancellationToken = default)
    {
        BeginRow();
        if (keyValues.Count != _keys.Entities.Count)
        {
            throw new ArgumentException($"Expected {_keys.Entities.Count} key values ({_keys.Name}).", nameof(keyValues));
        }
        for (var i = 0; i < keyValues.Count; i++)
        {
            if (!Key.TryAppend(_keys.Entities[i].ValueType.Scalar, keyValues[i]))
            {
                throw new ArgumentException($"Key value {keyValues[i]} does not fit entity '{_keys.Entities[i].Name}' ({_keys.Entities[i].ValueType}).");
            }
        }
        _codec.Encode(Values, featureValues);
        return EndRowAsync(RowVersion.Of(eventTimestamp, createdTimestamp), cancellationToken);
    }

    /// <summary>Sends every buffered row and waits until Redis confirmed all of them.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        for (var b = 0; b < _buckets.Length; b++)
        {
            if (_buckets[b] is { Count: > 0 } pending)
            {
                _buckets[b] = null;
                await DispatchAsync(pending, cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var lane in _inFlight.Values)
        {
            while (lane.Count > 0)
            {
                await CompleteOldestAsync(lane).ConfigureAwait(false);
            }
        }
    }

    private ValueTask DispatchAsync(PendingCall pending, CancellationToken cancellationToken)
    {
        var owner = Owner(pending.FirstKey);
        if (!_inFlight.TryGetValue(owner, out var lane))
        {
            _inFlight[owner] = lane = new Queue<Task<(long Written, int Keys)>>();
        }
        lane.Enqueue(SendAsync(pending, cancellationToken));
        return lane.Count >= _maxInFlight ? new ValueTask(CompleteOldestAsync(lane)) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// The primary that owns a key's slot, by the client's current topology; any lane serves while it is unknown
    /// (a shard failing over): lanes only bound concurrency, the client routes each call by the slot it finds then.
    /// </summary>
    private string Owner(RedisKey key)
    {
        try
        {
            return _store.Connection.GetServer(key).EndPoint.ToString() ?? "";
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            return "";
        }
    }

    private async Task CompleteOldestAsync(Queue<Task<(long Written, int Keys)>> lane)
    {
        var task = lane.Dequeue();
        try
        {
            var (written, keys) = await task.ConfigureAwait(false);
            RowsWritten += written;
            RowsConfirmed += keys;
        }
        catch
        {
            await DrainAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(long Written, int Keys)> SendAsync(PendingCall pending, CancellationToken cancellationToken)
    {
        var (keys, args) = pending.ToArguments();
        var written = await _store.RunWithRetryAsync(async attempt =>
        {
            try
            {
                var result = await _database.ScriptEvaluateAsync(_scriptSha, keys, args).ConfigureAwait(false);
                return (long)result;
            }
            catch (RedisServerException ex) when (RedisRetry.IsNoScript(ex))
            {
                // The server lost its script cache (restart, SCRIPT FLUSH): load again, then retry this call.
                _scriptSha = await _store.LoadScriptAsync(_keyLayout, cancellationToken, reload: true).ConfigureAwait(false);
                throw;
            }
        }, $"write of view '{View.Name}'", cancellationToken, _retryWarnings, OnlineWriteScript.Commands).ConfigureAwait(false);
        return (written, keys.Length);
    }

    /// <summary>Waits for the calls still in flight after a failure, so none outlives the writer unobserved.</summary>
    private async Task DrainAsync()
    {
        foreach (var lane in _inFlight.Values)
        {
            while (lane.Count > 0)
            {
                try
                {
                    await lane.Dequeue().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _store.Logger.LogDebug("Write call failed while draining after an earlier failure: {Error}", ex.Message);
                }
            }
        }
    }

    public async ValueTask DisposeAsync() => await DrainAsync().ConfigureAwait(false);

    /// <summary>Rows waiting for one script call (one bucket).</summary>
    private sealed class PendingCall(int capacity, RedisValue field)
    {
        private readonly RedisKey[] _keys = new RedisKey[capacity];
        private readonly RedisValue[] _args = CreateArgs(capacity, field);

        public int Count { get; private set; }

        /// <summary>A key of the call: all share one slot.</summary>
        public RedisKey FirstKey => _keys[0];

        public void Add(byte[] key, byte[] value, long expiryMillis)
        {
            _keys[Count] = key;
            _args[1 + 2 * Count] = value;
            _args[2 + 2 * Count] = expiryMillis;
            Count++;
        }

        public (RedisKey[] Keys, RedisValue[] Args) ToArguments()
        {
            if (Count == _keys.Length)
            {
                return (_keys, _args);
            }
            return (_keys[..Count], _args[..(1 + 2 * Count)]);
        }

        private static RedisValue[] CreateArgs(int capacity, RedisValue field)
        {
            var args = new RedisValue[1 + 2 * capacity];
            args[0] = field;
            return args;
        }
    }
}
