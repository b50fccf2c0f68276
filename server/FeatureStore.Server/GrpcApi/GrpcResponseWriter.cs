using FeatureStore.Client;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Protos.V1;
using FeatureStore.Server.Serving;
using Google.Protobuf;

namespace FeatureStore.Server.GrpcApi;

/// <summary>
/// Turns a <see cref="ServingResult"/> into the protobuf response: join key columns first, then features, each value
/// column typed and packed (<see cref="ValueColumn"/>) straight from the store's typed <see cref="FeatureColumn"/>s.
/// </summary>
internal static class GrpcResponseWriter
{
    public static GetOnlineFeaturesResponse Write(ServingResult result)
    {
        var response = new GetOnlineFeaturesResponse { Metadata = new GetOnlineFeaturesResponseMetadata() };
        response.Metadata.FeatureNames.Add(result.Names);
        foreach (var key in result.KeyColumns)
        {
            var vector = new GetOnlineFeaturesResponse.Types.FeatureVector { Column = KeyColumn(key.Values) };
            vector.Statuses.Capacity = key.Values.Count;
            vector.EventTimestampsMicros.Capacity = key.Values.Count;
            for (var row = 0; row < key.Values.Count; row++)
            {
                vector.Statuses.Add(FieldStatus.Present);
                vector.EventTimestampsMicros.Add(0);
            }
            response.Results.Add(vector);
        }
        foreach (var column in result.Features.Columns)
        {
            var vector = new GetOnlineFeaturesResponse.Types.FeatureVector { Column = FeatureValues(column) };
            vector.Statuses.Capacity = column.Count;
            vector.EventTimestampsMicros.Capacity = column.Count;
            for (var row = 0; row < column.Count; row++)
            {
                vector.Statuses.Add(ToStatus(column.Statuses[row]));
                var micros = column.EventTimestampMicros[row];
                vector.EventTimestampsMicros.Add(micros == TimestampMicros.Missing ? 0 : micros);
            }
            response.Results.Add(vector);
        }
        return response;
    }

    public static FieldStatus ToStatus(FeatureStatus status) => status switch
    {
        FeatureStatus.Present => FieldStatus.Present,
        FeatureStatus.NullValue => FieldStatus.NullValue,
        FeatureStatus.NotFound => FieldStatus.NotFound,
        FeatureStatus.OutsideMaxAge => FieldStatus.OutsideMaxAge,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown feature status."),
    };

    private static ValueColumn FeatureValues(FeatureColumn column)
    {
        if (column.Type.IsList)
        {
            var values = new RepeatedValue();
            for (var row = 0; row < column.Count; row++)
            {
                values.Val.Add(ValueConversion.ToValue(column.Statuses[row] == FeatureStatus.Present ? column.Values.GetValue(row) : null));
            }
            return new ValueColumn { Values = values };
        }
        return column.Values switch
        {
            bool[] bools => new ValueColumn { BoolValues = new BoolList { Val = { bools } } },
            int[] ints => new ValueColumn { Int32Values = new Int32List { Val = { ints } } },
            long[] longs when column.Type.Scalar == ScalarType.Timestamp =>
                new ValueColumn { TimestampMicrosValues = new Int64List { Val = { longs } } },
            long[] longs => new ValueColumn { Int64Values = new Int64List { Val = { longs } } },
            float[] floats => new ValueColumn { FloatValues = new FloatList { Val = { floats } } },
            double[] doubles => new ValueColumn { DoubleValues = new DoubleList { Val = { doubles } } },
            string?[] strings => new ValueColumn { StringValues = new StringList { Val = { strings.Select(s => s ?? "") } } },
            byte[]?[] bytes => new ValueColumn
            {
                BytesValues = new BytesList { Val = { bytes.Select(b => b is null ? ByteString.Empty : UnsafeByteOperations.UnsafeWrap(b)) } },
            },
            _ => throw new InvalidOperationException($"No protobuf column for {column.Type}."),
        };
    }

    /// <summary>Join key values, converted to their entity's type by the serving layer (never null).</summary>
    private static ValueColumn KeyColumn(IReadOnlyList<object?> values) => values.Count == 0 ? new ValueColumn() : values[0] switch
    {
        long => new ValueColumn { Int64Values = new Int64List { Val = { values.Cast<long>() } } },
        int => new ValueColumn { Int32Values = new Int32List { Val = { values.Cast<int>() } } },
        string => new ValueColumn { StringValues = new StringList { Val = { values.Cast<string>() } } },
        byte[] => new ValueColumn { BytesValues = new BytesList { Val = { values.Cast<byte[]>().Select(ByteString.CopyFrom) } } },
        _ => new ValueColumn { Values = ValueConversion.ToColumn(values) },
    };
}
