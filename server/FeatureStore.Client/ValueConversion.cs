using System.Collections;
using FeatureStore.Protos.V1;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace FeatureStore.Client;

/// <summary>
/// Converts between protobuf <see cref="Value"/>s and plain CLR values (bool, int, long, float, double, string,
/// byte[], DateTimeOffset in UTC, and arrays of those for list types; null for an unset value). Client and server
/// share it so both sides agree on one mapping.
/// </summary>
public static class ValueConversion
{
    /// <summary>The protobuf value for a CLR value; throws <see cref="ArgumentException"/> for an unsupported type.</summary>
    public static Value ToValue(object? value) => value switch
    {
        null => new Value(),
        bool b => new Value { BoolVal = b },
        int i => new Value { Int32Val = i },
        long l => new Value { Int64Val = l },
        float f => new Value { FloatVal = f },
        double d => new Value { DoubleVal = d },
        string s => new Value { StringVal = s },
        byte[] bytes => new Value { BytesVal = ByteString.CopyFrom(bytes) },
        DateTimeOffset t => new Value { TimestampVal = Timestamp.FromDateTimeOffset(t) },
        DateTime t => new Value { TimestampVal = Timestamp.FromDateTime(t.Kind == DateTimeKind.Utc ? t : t.ToUniversalTime()) },
        IEnumerable<bool> list => new Value { BoolListVal = new BoolList { Val = { list } } },
        IEnumerable<int> list => new Value { Int32ListVal = new Int32List { Val = { list } } },
        IEnumerable<long> list => new Value { Int64ListVal = new Int64List { Val = { list } } },
        IEnumerable<float> list => new Value { FloatListVal = new FloatList { Val = { list } } },
        IEnumerable<double> list => new Value { DoubleListVal = new DoubleList { Val = { list } } },
        IEnumerable<DateTimeOffset> list => new Value { TimestampListVal = new TimestampList { Val = { list.Select(Timestamp.FromDateTimeOffset) } } },
        // Lists that may hold nulls: typed when none is null, else one Value per element.
        IEnumerable<bool?> list => HasNull(list) ? ElementList(list) : new Value { BoolListVal = new BoolList { Val = { list.Select(x => x!.Value) } } },
        IEnumerable<int?> list => HasNull(list) ? ElementList(list) : new Value { Int32ListVal = new Int32List { Val = { list.Select(x => x!.Value) } } },
        IEnumerable<long?> list => HasNull(list) ? ElementList(list) : new Value { Int64ListVal = new Int64List { Val = { list.Select(x => x!.Value) } } },
        IEnumerable<float?> list => HasNull(list) ? ElementList(list) : new Value { FloatListVal = new FloatList { Val = { list.Select(x => x!.Value) } } },
        IEnumerable<double?> list => HasNull(list) ? ElementList(list) : new Value { DoubleListVal = new DoubleList { Val = { list.Select(x => x!.Value) } } },
        IEnumerable<DateTimeOffset?> list => HasNull(list) ? ElementList(list)
            : new Value { TimestampListVal = new TimestampList { Val = { list.Select(x => Timestamp.FromDateTimeOffset(x!.Value)) } } },
        IEnumerable<string?> list => HasNull(list) ? ElementList(list) : new Value { StringListVal = new StringList { Val = { list! } } },
        IEnumerable<byte[]?> list => HasNull(list) ? ElementList(list) : new Value { BytesListVal = new BytesList { Val = { list.Select(b => ByteString.CopyFrom(b!)) } } },
        _ => throw new ArgumentException($"A value of type {value.GetType().Name} cannot be sent as a feature value.", nameof(value)),
    };

    /// <summary>The CLR value of a protobuf value (null when unset); lists become arrays.</summary>
    public static object? ToObject(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.None => null,
        Value.KindOneofCase.BoolVal => value.BoolVal,
        Value.KindOneofCase.Int32Val => value.Int32Val,
        Value.KindOneofCase.Int64Val => value.Int64Val,
        Value.KindOneofCase.FloatVal => value.FloatVal,
        Value.KindOneofCase.DoubleVal => value.DoubleVal,
        Value.KindOneofCase.StringVal => value.StringVal,
        Value.KindOneofCase.BytesVal => value.BytesVal.ToByteArray(),
        Value.KindOneofCase.TimestampVal => value.TimestampVal.ToDateTimeOffset(),
        Value.KindOneofCase.BoolListVal => value.BoolListVal.Val.ToArray(),
        Value.KindOneofCase.Int32ListVal => value.Int32ListVal.Val.ToArray(),
        Value.KindOneofCase.Int64ListVal => value.Int64ListVal.Val.ToArray(),
        Value.KindOneofCase.FloatListVal => value.FloatListVal.Val.ToArray(),
        Value.KindOneofCase.DoubleListVal => value.DoubleListVal.Val.ToArray(),
        Value.KindOneofCase.StringListVal => value.StringListVal.Val.ToArray(),
        Value.KindOneofCase.BytesListVal => value.BytesListVal.Val.Select(b => b.ToByteArray()).ToArray(),
        Value.KindOneofCase.TimestampListVal => value.TimestampListVal.Val.Select(t => t.ToDateTimeOffset()).ToArray(),
        Value.KindOneofCase.ListVal => value.ListVal.Val.Select(ToObject).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.KindCase, "Unknown value kind."),
    };

    /// <summary>Entry <paramref name="row"/> of a typed column as a CLR value (timestamps as UTC <see cref="DateTimeOffset"/>).</summary>
    public static object? ToObject(ValueColumn column, int row) => column.KindCase switch
    {
        ValueColumn.KindOneofCase.BoolValues => column.BoolValues.Val[row],
        ValueColumn.KindOneofCase.Int32Values => column.Int32Values.Val[row],
        ValueColumn.KindOneofCase.Int64Values => column.Int64Values.Val[row],
        ValueColumn.KindOneofCase.FloatValues => column.FloatValues.Val[row],
        ValueColumn.KindOneofCase.DoubleValues => column.DoubleValues.Val[row],
        ValueColumn.KindOneofCase.StringValues => column.StringValues.Val[row],
        ValueColumn.KindOneofCase.BytesValues => column.BytesValues.Val[row].ToByteArray(),
        ValueColumn.KindOneofCase.TimestampMicrosValues =>
            DateTimeOffset.UnixEpoch.AddTicks(column.TimestampMicrosValues.Val[row] * TimeSpan.TicksPerMicrosecond),
        ValueColumn.KindOneofCase.Values => ToObject(column.Values.Val[row]),
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, "The column holds no values."),
    };

    private static bool HasNull<T>(IEnumerable<T> items) => items.Any(item => item is null);

    private static Value ElementList<T>(IEnumerable<T> items) =>
        new() { ListVal = new RepeatedValue { Val = { items.Select(item => ToValue(item)) } } };

    /// <summary>A column of values for a request's entity map.</summary>
    public static RepeatedValue ToColumn(IEnumerable values)
    {
        var column = new RepeatedValue();
        foreach (var value in values)
        {
            column.Val.Add(ToValue(value));
        }
        return column;
    }
}
