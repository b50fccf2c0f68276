using FeatureStore.Core.Online;

namespace FeatureStore.Core.Logging;

/// <summary>
/// The rows of one log file being gathered (one schema, one day), copied out of each answer as it is queued. Holding
/// the answers themselves until their file is written would keep every small column of thousands of answers alive
/// across garbage collections, which then copy them from generation to generation; a batch keeps the same rows in a
/// few arrays per column, grown by doubling and reused from file to file. Rows past <see cref="Count"/> are spare room.
/// </summary>
public sealed class LogBatch
{
    private const int InitialCapacity = 64;

    private readonly object?[][] _keys;
    private readonly FeatureColumn[] _features;
    private string[] _requestIds;
    private long[] _requestTimes;
    private int[] _registryVersions;

    internal LogBatch(LogSchema schema, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        Day = day;
        _requestIds = new string[InitialCapacity];
        _requestTimes = new long[InitialCapacity];
        _registryVersions = new int[InitialCapacity];
        _keys = schema.Keys.Select(_ => new object?[InitialCapacity]).ToArray();
        _features = schema.Features.Select(f => new FeatureColumn(f.Type, InitialCapacity)).ToArray();
    }

    public LogSchema Schema { get; }

    public DateOnly Day { get; }

    public int Count { get; private set; }

    /// <summary>Per row, the request id (one string per request, repeated for each of its rows).</summary>
    public IReadOnlyList<string> RequestIds => new ArraySegment<string>(_requestIds, 0, Count);

    /// <summary>Per row, the request time, µs since the Unix epoch.</summary>
    public ReadOnlyMemory<long> RequestTimeMicros => _requestTimes.AsMemory(0, Count);

    public ReadOnlyMemory<int> RegistryVersions => _registryVersions.AsMemory(0, Count);

    /// <summary>Per row, the value of key <paramref name="key"/> of <see cref="LogSchema.Keys"/> (the entity's CLR type).</summary>
    public ReadOnlyMemory<object?> KeyValues(int key) => _keys[key].AsMemory(0, Count);

    /// <summary>Feature <paramref name="index"/> of <see cref="LogSchema.Features"/>; its first <see cref="Count"/> rows are the batch's.</summary>
    public FeatureColumn Feature(int index) => _features[index];

    /// <summary>Copies the rows of <paramref name="request"/> (of this batch's schema) to the end of the batch.</summary>
    internal void Append(LoggedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rows = request.RowCount;
        EnsureCapacity(Count + rows);
        Array.Fill(_requestIds, request.RequestId, Count, rows);
        Array.Fill(_requestTimes, request.RequestTimeMicros, Count, rows);
        Array.Fill(_registryVersions, request.RegistryVersion, Count, rows);
        for (var k = 0; k < _keys.Length; k++)
        {
            var values = request.KeyValues[k];
            for (var i = 0; i < rows; i++)
            {
                _keys[k][Count + i] = values[i];
            }
        }
        for (var f = 0; f < _features.Length; f++)
        {
            _features[f].CopyRows(request.ColumnOf(f), 0, Count, rows);
        }
        Count += rows;
    }

    /// <summary>Empties the batch, keeping its room, and lets go of what its rows referred to.</summary>
    internal void Clear()
    {
        Array.Clear(_requestIds, 0, Count);
        foreach (var key in _keys)
        {
            Array.Clear(key, 0, Count);
        }
        foreach (var feature in _features)
        {
            feature.ClearValues(Count);
        }
        Count = 0;
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _requestIds.Length)
        {
            return;
        }
        var capacity = Math.Max(rows, _requestIds.Length * 2);
        Array.Resize(ref _requestIds, capacity);
        Array.Resize(ref _requestTimes, capacity);
        Array.Resize(ref _registryVersions, capacity);
        for (var k = 0; k < _keys.Length; k++)
        {
            Array.Resize(ref _keys[k], capacity);
        }
        for (var f = 0; f < _features.Length; f++)
        {
            var grown = new FeatureColumn(_features[f].Type, capacity);
            grown.CopyRows(_features[f], 0, 0, Count);
            _features[f] = grown;
        }
    }
}
