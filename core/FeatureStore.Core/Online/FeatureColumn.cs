using System.Collections;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Online;

/// <summary>
/// One requested feature's values for every entity row of a read, stored by type: a 100 x 50 lookup decodes 5,000
/// values, and boxing each one (and building a protobuf message per value from it) would dominate a request's CPU.
/// Transports read the typed arrays (<see cref="Values"/>, <see cref="Statuses"/>, <see cref="EventTimestampMicros"/>);
/// everything else can treat the column as a list of <see cref="OnlineFeatureValue"/>, built on demand.
/// </summary>
public sealed class FeatureColumn : IReadOnlyList<OnlineFeatureValue>
{
    private readonly FeatureStatus[] _statuses;
    private readonly long[] _eventMicros;
    private readonly bool[]? _bools;
    private readonly int[]? _ints;
    private readonly long[]? _longs;
    private readonly float[]? _floats;
    private readonly double[]? _doubles;
    private readonly string?[]? _strings;
    private readonly byte[]?[]? _bytes;
    private readonly object?[]? _objects;

    /// <summary>A column of <paramref name="rows"/> entries, all NOT_FOUND until set.</summary>
    public FeatureColumn(FeatureType type, int rows)
    {
        Type = type;
        _statuses = new FeatureStatus[rows];
        _eventMicros = new long[rows];
        Array.Fill(_statuses, FeatureStatus.NotFound);
        Array.Fill(_eventMicros, TimestampMicros.Missing);
        if (type.IsList)
        {
            _objects = new object?[rows];
            Values = _objects;
            return;
        }
        Values = type.Scalar switch
        {
            ScalarType.Bool => _bools = new bool[rows],
            ScalarType.Int32 => _ints = new int[rows],
            ScalarType.Int64 or ScalarType.Timestamp => _longs = new long[rows],
            ScalarType.Float32 => _floats = new float[rows],
            ScalarType.Float64 => _doubles = new double[rows],
            ScalarType.String => _strings = new string?[rows],
            ScalarType.Bytes => _bytes = new byte[]?[rows],
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown scalar type."),
        };
    }

    public FeatureType Type { get; }

    public int Count => _statuses.Length;

    /// <summary>
    /// The values, one per row, in an array of the feature's type: <c>bool[]</c>, <c>int[]</c>, <c>long[]</c>
    /// (int64, and timestamps as µs since the Unix epoch), <c>float[]</c>, <c>double[]</c>, <c>string?[]</c>,
    /// <c>byte[]?[]</c>, or for list types <c>object?[]</c> holding arrays as in <see cref="OnlineFeatureValue.Value"/>.
    /// An entry means something only where <see cref="Statuses"/> says PRESENT; elsewhere it is the type's default.
    /// </summary>
    public Array Values { get; }

    public ReadOnlySpan<FeatureStatus> Statuses => _statuses;

    /// <summary>The stored row's event timestamp per entry, µs since the Unix epoch; <see cref="TimestampMicros.Missing"/> when there is none.</summary>
    public ReadOnlySpan<long> EventTimestampMicros => _eventMicros;

    public OnlineFeatureValue this[int index] => new(
        _statuses[index] == FeatureStatus.Present ? BoxedValue(index) : null,
        _statuses[index],
        _eventMicros[index] == TimestampMicros.Missing ? null : TimestampMicros.ToDateTimeOffset(_eventMicros[index]));

    public IEnumerator<OnlineFeatureValue> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private object? BoxedValue(int index) => Type switch
    {
        { IsList: true } => _objects![index],
        { Scalar: ScalarType.Bool } => _bools![index],
        { Scalar: ScalarType.Int32 } => _ints![index],
        { Scalar: ScalarType.Int64 } => _longs![index],
        { Scalar: ScalarType.Timestamp } => TimestampMicros.ToDateTimeOffset(_longs![index]),
        { Scalar: ScalarType.Float32 } => _floats![index],
        { Scalar: ScalarType.Float64 } => _doubles![index],
        { Scalar: ScalarType.String } => _strings![index],
        _ => _bytes![index],
    };

    // The setters below are for online stores filling a column while they decode a read; a column is read-only to
    // everyone after the store returns it.

    /// <summary>Marks a row as found: its status (NOT_FOUND, OUTSIDE_MAX_AGE, or PRESENT until a null is set) and event time.</summary>
    public void SetRow(int row, FeatureStatus status, long eventMicros)
    {
        _statuses[row] = status;
        _eventMicros[row] = eventMicros;
    }

    public void SetNull(int row) => _statuses[row] = FeatureStatus.NullValue;

    public void Set(int row, bool value) => _bools![row] = value;

    public void Set(int row, int value) => _ints![row] = value;

    public void Set(int row, long value) => _longs![row] = value;

    public void Set(int row, float value) => _floats![row] = value;

    public void Set(int row, double value) => _doubles![row] = value;

    public void Set(int row, string value) => _strings![row] = value;

    public void Set(int row, byte[] value) => _bytes![row] = value;

    public void SetList(int row, Array value) => _objects![row] = value;

    /// <summary>
    /// Copies <paramref name="count"/> entries of <paramref name="source"/> (a column of the same type) from row
    /// <paramref name="sourceRow"/> to row <paramref name="targetRow"/> on.
    /// </summary>
    internal void CopyRows(FeatureColumn source, int sourceRow, int targetRow, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        Array.Copy(source._statuses, sourceRow, _statuses, targetRow, count);
        Array.Copy(source._eventMicros, sourceRow, _eventMicros, targetRow, count);
        Array.Copy(source.Values, sourceRow, Values, targetRow, count);
    }

    /// <summary>Forgets the values of the first <paramref name="count"/> rows, so the objects they refer to can be collected.</summary>
    internal void ClearValues(int count)
    {
        if (_strings is not null || _bytes is not null || _objects is not null)
        {
            Array.Clear(Values, 0, count);
        }
    }

    /// <summary>Copies every entry of <paramref name="source"/> (a column of the same feature asked for twice).</summary>
    public void CopyFrom(FeatureColumn source)
    {
        source._statuses.CopyTo(_statuses, 0);
        source._eventMicros.CopyTo(_eventMicros, 0);
        Array.Copy(source.Values, Values, Values.Length);
    }
}
