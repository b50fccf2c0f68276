using System.Collections;
using System.Data.Common;
using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// An <see cref="IOnlineStore"/> in process memory, written against FeatureStore.Core's public API only (no
/// internals, no Redis or DuckDB type): it proves that a second online store plugs into the materialization engine
/// (and anything else that takes the interface) without touching them. It keeps the contract's rules, each from Core:
/// reads judge TTLs with <see cref="LatestValueRule.IsWithinTtl"/>, writes compare-and-set by
/// <see cref="RowVersion"/>, views are recorded with their schema and registry version for stale-view cleanup, and a
/// per-(project, view) lock refuses a second holder with <see cref="MaterializationInProgressException"/>.
/// Thread-safe; values are kept as <see cref="OnlineFeatureValue.Value"/> represents them.
/// </summary>
public sealed class InMemoryOnlineStore : IOnlineStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Project, string View), Dictionary<string, StoredRow>> _rows = new();
    private readonly Dictionary<(string Project, string View), RecordedView> _views = new();
    private readonly HashSet<(string Project, string View)> _locks = new();

    public string Description => "in-memory";

    /// <summary>What <see cref="CheckHealthAsync"/> answers; tests flip it to see an unhealthy store.</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>Entity keys currently stored for a view (for tests).</summary>
    public int CountRows(string project, string view)
    {
        lock (_gate)
        {
            return _rows.TryGetValue((project, view), out var rows) ? rows.Count : 0;
        }
    }

    public Task<OnlineReadResult> ReadAsync(OnlineReadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definitions = request.Definitions;
        var rowCount = CheckColumns(request.EntityColumns);
        var columns = new FeatureColumn[request.Features.Count];
        for (var f = 0; f < request.Features.Count; f++)
        {
            var reference = request.Features[f];
            var view = definitions.FeatureViews.FirstOrDefault(v => v.Name == reference.View)
                       ?? throw new NotFoundException($"Unknown feature view '{reference.View}' (in '{reference}').");
            var featureIndex = IndexOf(view, reference.Feature);
            view.EnsureServedOnline();
            var column = new FeatureColumn(view.Features[featureIndex].Type, rowCount);
            var entities = LatestRowLayout.For(definitions, view).KeyEntities;
            var keyColumns = entities.Select(e => request.EntityColumns.TryGetValue(e.JoinKey, out var values)
                ? values
                : throw new UserInputException($"Feature view '{view.Name}' needs join key '{e.JoinKey}', which the request does not give.")).ToArray();
            lock (_gate)
            {
                var recorded = _views.GetValueOrDefault((definitions.Project, view.Name));
                var rows = _rows.GetValueOrDefault((definitions.Project, view.Name));
                for (var row = 0; row < rowCount; row++)
                {
                    var key = TryKey(entities, keyColumns.Select(c => c[row]).ToArray());
                    // Data written for another schema of the view is never read as this one's.
                    if (key is null || rows is null || recorded?.Schema != Schema(view) || !rows.TryGetValue(key, out var stored))
                    {
                        continue;
                    }
                    var eventTimestamp = TimestampMicros.ToDateTimeOffset(stored.Version.EventMicros);
                    if (eventTimestamp > request.ReadTime)
                    {
                        // Only the latest value is kept: it says nothing about an earlier read time.
                        continue;
                    }
                    if (!LatestValueRule.IsWithinTtl(eventTimestamp, request.ReadTime, view.Ttl))
                    {
                        column.SetRow(row, FeatureStatus.OutsideMaxAge, stored.Version.EventMicros);
                        continue;
                    }
                    column.SetRow(row, FeatureStatus.Present, stored.Version.EventMicros);
                    SetValue(column, row, stored.Values[featureIndex]);
                }
            }
            columns[f] = column;
        }
        return Task.FromResult(new OnlineReadResult(request.Features, columns));
    }

    public Task<IOnlineViewWriter> OpenViewWriterAsync(
        DefinitionSet definitions, FeatureViewDefinition view, long registryVersion, CancellationToken cancellationToken = default)
    {
        if (!definitions.FeatureViews.Contains(view))
        {
            throw new NotFoundException($"Unknown feature view '{view.Name}'.");
        }
        view.EnsureServedOnline();
        var id = (definitions.Project, view.Name);
        var schema = Schema(view);
        lock (_gate)
        {
            if (_views.TryGetValue(id, out var recorded) && recorded.Version > registryVersion && recorded.Schema != schema)
            {
                throw new UserInputException(
                    $"Feature view '{view.Name}' was last materialized by registry version {recorded.Version} with another schema; " +
                    $"this run uses version {registryVersion}, so its values would not be served.");
            }
            if (recorded is null || recorded.Version <= registryVersion)
            {
                _views[id] = new RecordedView(registryVersion, schema);
            }
        }
        return Task.FromResult<IOnlineViewWriter>(new ViewWriter(this, id, LatestRowLayout.For(definitions, view)));
    }

    public async IAsyncEnumerable<OnlineViewRow> ScanViewAsync(
        DefinitionSet definitions, FeatureViewDefinition view,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StoredRow[] rows;
        lock (_gate)
        {
            rows = _rows.TryGetValue((definitions.Project, view.Name), out var stored) ? stored.Values.ToArray() : [];
        }
        var oldest = LatestValueRule.OldestWithinTtl(DateTimeOffset.UtcNow, view.Ttl);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (oldest is null || TimestampMicros.ToDateTimeOffset(row.Version.EventMicros) >= oldest)
            {
                yield return new OnlineViewRow(row.Version.EventMicros, row.Version.CreatedMicros, row.Values);
            }
        }
        await Task.CompletedTask;
    }

    public Task<long> RemoveProjectAsync(string project, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var views = _rows.Keys.Where(k => k.Project == project).ToArray();
            long removed = views.Sum(k => _rows[k].Count);
            foreach (var key in views)
            {
                _rows.Remove(key);
            }
            foreach (var key in _views.Keys.Where(k => k.Project == project).ToArray())
            {
                _views.Remove(key);
            }
            return Task.FromResult(removed);
        }
    }

    public Task<IReadOnlyList<string>> RemoveStaleViewsAsync(
        DefinitionSet current, long registryVersion, CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        lock (_gate)
        {
            foreach (var ((project, name), recorded) in _views.Where(v => v.Key.Project == current.Project).ToArray())
            {
                if (recorded.Version > registryVersion)
                {
                    continue;
                }
                var view = current.FeatureViews.FirstOrDefault(v => v.Name == name);
                if (view is null || !view.Online || Schema(view) != recorded.Schema)
                {
                    _views.Remove((project, name));
                    _rows.Remove((project, name));
                    removed.Add(name);
                }
            }
        }
        return Task.FromResult<IReadOnlyList<string>>(removed);
    }

    public async Task<IAsyncDisposable> AcquireMaterializationLockAsync(
        string project, string view, MaterializationOptions options, bool wait, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_locks.Add((project, view)))
                {
                    return new HeldLock(this, (project, view));
                }
            }
            if (!wait)
            {
                throw new MaterializationInProgressException(view, null);
            }
            await Task.Delay(options.LockPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<OnlineStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new OnlineStoreHealth(Healthy, Healthy ? "in-memory store answers" : "in-memory store is marked unhealthy", TimeSpan.Zero));

    /// <summary>The compare-and-set: stores the row unless the stored version is newer; true when something changed.</summary>
    private bool Put((string Project, string View) id, string key, RowVersion version, object?[] values)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(id, out var rows))
            {
                rows = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
                _rows[id] = rows;
            }
            if (rows.TryGetValue(key, out var stored)
                && (version < stored.Version || (version == stored.Version && SameValues(stored.Values, values))))
            {
                return false;
            }
            rows[key] = new StoredRow(version, values);
            return true;
        }
    }

    private static int CheckColumns(IReadOnlyDictionary<string, IReadOnlyList<object?>> columns)
    {
        var counts = columns.Select(c => c.Value?.Count ?? throw new UserInputException($"Join key column '{c.Key}' has no values.")).Distinct().ToArray();
        return counts.Length switch
        {
            0 => 0,
            1 => counts[0],
            _ => throw new UserInputException("Every join key column needs one value per entity row; the columns differ in length."),
        };
    }

    private static int IndexOf(FeatureViewDefinition view, string feature)
    {
        for (var i = 0; i < view.Features.Count; i++)
        {
            if (view.Features[i].Name == feature)
            {
                return i;
            }
        }
        throw new NotFoundException($"Feature view '{view.Name}' has no feature '{feature}'.");
    }

    /// <summary>What must match for stored data to be read as the view's: its features' names and types, in order.</summary>
    private static string Schema(FeatureViewDefinition view) => string.Join(",", view.Features.Select(f => $"{f.Name}:{f.Type}"));

    /// <summary>
    /// The entity key as text, from CLR key values (a read request) or the values of a latest-row scan; null when a
    /// value is missing. Timestamps count as µs, so both spellings of one instant give one key.
    /// </summary>
    private static string? TryKey(IReadOnlyList<EntityDefinition> entities, IReadOnlyList<object?> values)
    {
        var parts = new string[entities.Count];
        for (var i = 0; i < entities.Count; i++)
        {
            if (values[i] is not { } value)
            {
                return null;
            }
            var entity = entities[i];
            parts[i] = value switch
            {
                string s when entity.ValueType.Scalar == ScalarType.String => s,
                long l when entity.ValueType.Scalar is ScalarType.Int64 or ScalarType.Timestamp => l.ToString(CultureInfo.InvariantCulture),
                int n when entity.ValueType.Scalar is ScalarType.Int32 or ScalarType.Int64 => n.ToString(CultureInfo.InvariantCulture),
                bool b when entity.ValueType.Scalar == ScalarType.Bool => b ? "1" : "0",
                byte[] bytes when entity.ValueType.Scalar == ScalarType.Bytes => Convert.ToHexString(bytes),
                Stream stream when entity.ValueType.Scalar == ScalarType.Bytes => Convert.ToHexString(ReadAll(stream)),
                DateTimeOffset t when entity.ValueType.Scalar == ScalarType.Timestamp => TimestampMicros.FromDateTimeOffset(t).ToString(CultureInfo.InvariantCulture),
                DateTime t when entity.ValueType.Scalar == ScalarType.Timestamp => TimestampMicros.FromDateTime(t).ToString(CultureInfo.InvariantCulture),
                _ => throw new UserInputException($"Join key '{entity.JoinKey}' takes {entity.ValueType} values, not {value.GetType().Name}."),
            };
        }
        return string.Join('\u001f', parts);
    }

    /// <summary>A value from a latest-row scan (see <see cref="LatestRowLayout"/>) as <see cref="OnlineFeatureValue.Value"/> holds it.</summary>
    private static object? FromScan(FeatureType type, object? value)
    {
        if (value is null or DBNull)
        {
            return null;
        }
        if (!type.IsList)
        {
            return Scalar(type.Scalar, value);
        }
        var items = ((IList)value).Cast<object?>().Select(v => v is null or DBNull ? null : Scalar(type.Scalar, v)).ToArray();
        var hasNulls = items.Any(v => v is null);
        var elementType = ElementType(type.Scalar, hasNulls);
        var array = Array.CreateInstance(elementType, items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            array.SetValue(items[i], i);
        }
        return array;
    }

    private static object Scalar(ScalarType type, object value) => type switch
    {
        ScalarType.Timestamp => value switch
        {
            long micros => TimestampMicros.ToDateTimeOffset(micros),
            DateTime t => TimestampMicros.ToDateTimeOffset(TimestampMicros.FromDateTime(t)),
            DateTimeOffset t => t.ToUniversalTime(),
            _ => throw new InvalidOperationException($"Unexpected timestamp value {value.GetType().Name}."),
        },
        ScalarType.Bytes => value is Stream stream ? ReadAll(stream) : (byte[])value,
        ScalarType.Int32 => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        ScalarType.Int64 => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ScalarType.Float32 => Convert.ToSingle(value, CultureInfo.InvariantCulture),
        ScalarType.Float64 => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        ScalarType.Bool => (bool)value,
        _ => (string)value,
    };

    private static Type ElementType(ScalarType type, bool nullable) => type switch
    {
        ScalarType.Bool => nullable ? typeof(bool?) : typeof(bool),
        ScalarType.Int32 => nullable ? typeof(int?) : typeof(int),
        ScalarType.Int64 => nullable ? typeof(long?) : typeof(long),
        ScalarType.Float32 => nullable ? typeof(float?) : typeof(float),
        ScalarType.Float64 => nullable ? typeof(double?) : typeof(double),
        ScalarType.Timestamp => nullable ? typeof(DateTimeOffset?) : typeof(DateTimeOffset),
        ScalarType.Bytes => typeof(byte[]),
        _ => typeof(string),
    };

    private static void SetValue(FeatureColumn column, int row, object? value)
    {
        switch (value)
        {
            case null: column.SetNull(row); break;
            case Array list when column.Type.IsList: column.SetList(row, list); break;
            case bool v: column.Set(row, v); break;
            case int v: column.Set(row, v); break;
            case long v: column.Set(row, v); break;
            case float v: column.Set(row, v); break;
            case double v: column.Set(row, v); break;
            case string v: column.Set(row, v); break;
            case byte[] v: column.Set(row, v); break;
            // Timestamp columns hold µs since the epoch.
            case DateTimeOffset v: column.Set(row, TimestampMicros.FromDateTimeOffset(v)); break;
            default: throw new InvalidOperationException($"Unexpected stored value {value.GetType().Name}.");
        }
    }

    private static bool SameValues(object?[] a, object?[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => StructuralComparisons.StructuralEqualityComparer.Equals(p.First, p.Second));

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private sealed record StoredRow(RowVersion Version, object?[] Values);

    private sealed record RecordedView(long Version, string Schema);

    private sealed class HeldLock(InMemoryOnlineStore store, (string Project, string View) id) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lock (store._gate)
                {
                    store._locks.Remove(id);
                }
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Writes rows straight into the store (nothing to buffer), each through the compare-and-set.</summary>
    private sealed class ViewWriter(InMemoryOnlineStore store, (string Project, string View) id, LatestRowLayout layout) : IOnlineViewWriter
    {
        public FeatureViewDefinition View => layout.View;

        public LatestRowLayout Layout => layout;

        public long RowsQueued { get; private set; }

        public long RowsConfirmed { get; private set; }

        public long RowsWritten { get; private set; }

        public ValueTask WriteAsync(DbDataReader row, CancellationToken cancellationToken = default)
        {
            var keys = new object?[layout.KeyEntities.Count];
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = row.IsDBNull(k) ? null : row.GetValue(k);
            }
            var version = new RowVersion(
                row.GetInt64(layout.EventOrdinal),
                row.IsDBNull(layout.CreatedOrdinal) ? RowVersion.MissingCreated : row.GetInt64(layout.CreatedOrdinal));
            var values = new object?[layout.Features.Count];
            for (var f = 0; f < values.Length; f++)
            {
                var ordinal = layout.FirstFeatureOrdinal + f;
                var type = layout.Features[f].Type;
                values[f] = FromScan(type, row.IsDBNull(ordinal) ? null
                    : type.IsList ? LatestRowLayout.ReadList(row, ordinal, type.Scalar) : row.GetValue(ordinal));
            }
            Apply(keys, version, values);
            return ValueTask.CompletedTask;
        }

        public ValueTask WriteRowAsync(
            IReadOnlyList<object> keyValues, IReadOnlyList<object?> featureValues, DateTimeOffset eventTimestamp,
            DateTimeOffset? createdTimestamp = null, CancellationToken cancellationToken = default)
        {
            if (featureValues.Count != layout.Features.Count)
            {
                throw new ArgumentException($"Expected {layout.Features.Count} feature values for view '{View.Name}'.", nameof(featureValues));
            }
            var values = featureValues.Select((v, f) => FromScan(layout.Features[f].Type, v)).ToArray();
            Apply(keyValues.Cast<object?>().ToArray(), RowVersion.Of(eventTimestamp, createdTimestamp), values);
            return ValueTask.CompletedTask;
        }

        public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void Apply(object?[] keys, RowVersion version, object?[] values)
        {
            if (keys.Length != layout.KeyEntities.Count)
            {
                throw new ArgumentException($"Expected {layout.KeyEntities.Count} key values for view '{View.Name}'.", nameof(keys));
            }
            var key = TryKey(layout.KeyEntities, keys)
                      ?? throw new ArgumentException($"A row of view '{View.Name}' has a missing join key value.", nameof(keys));
            RowsQueued++;
            if (store.Put(id, key, version, values))
            {
                RowsWritten++;
            }
            RowsConfirmed++;
        }
    }
}
