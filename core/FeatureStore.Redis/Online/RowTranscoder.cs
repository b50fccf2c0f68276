using System.Buffers;
using System.Collections;
using System.Data.Common;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Redis;

/// <summary>
/// Copies one row in <see cref="LatestRowLayout"/> from a reader into an <see cref="OnlineViewWriter"/>: typed
/// getters per column chosen once per view, so scalar values are never boxed.
/// </summary>
internal sealed class RowTranscoder
{
    private delegate void KeyReader(DbDataReader reader, int ordinal, EntityKeyWriter key);

    private delegate void ValueReader(DbDataReader reader, int ordinal, FeatureBlobWriter values);

    private readonly KeyReader[] _keys;
    private readonly ValueReader[] _values;
    private readonly int _eventOrdinal;
    private readonly int _createdOrdinal;
    private readonly int _firstFeature;

    public RowTranscoder(LatestRowLayout layout)
    {
        _keys = layout.KeyEntities.Select(e => KeyReaderFor(e.ValueType.Scalar)).ToArray();
        _values = layout.Features.Select(f => ValueReaderFor(f.Type)).ToArray();
        _eventOrdinal = layout.EventOrdinal;
        _createdOrdinal = layout.CreatedOrdinal;
        _firstFeature = layout.FirstFeatureOrdinal;
    }

    /// <summary>Transcodes the current row and hands it to the writer (awaiting only when its pipeline is full).</summary>
    public ValueTask WriteCurrentRowAsync(DbDataReader reader, OnlineViewWriter writer, CancellationToken cancellationToken)
    {
        writer.BeginRow();
        var key = writer.Key;
        for (var k = 0; k < _keys.Length; k++)
        {
            _keys[k](reader, k, key);
        }
        var values = writer.Values;
        for (var f = 0; f < _values.Length; f++)
        {
            var ordinal = _firstFeature + f;
            if (reader.IsDBNull(ordinal))
            {
                values.WriteNull();
            }
            else
            {
                _values[f](reader, ordinal, values);
            }
        }
        var version = new RowVersion(
            reader.GetInt64(_eventOrdinal), reader.IsDBNull(_createdOrdinal) ? RowVersion.MissingCreated : reader.GetInt64(_createdOrdinal));
        return writer.EndRowAsync(version, cancellationToken);
    }

    private static KeyReader KeyReaderFor(ScalarType type) => type switch
    {
        ScalarType.Int64 => (r, i, w) => w.AppendInt64(r.GetInt64(i)),
        ScalarType.Int32 => (r, i, w) => w.AppendInt32(r.GetInt32(i)),
        ScalarType.String => (r, i, w) => w.AppendString(r.GetString(i)),
        ScalarType.Bool => (r, i, w) => w.AppendBool(r.GetBoolean(i)),
        ScalarType.Bytes => (r, i, w) => WithBytes(r, i, w, static (w2, bytes) => w2.AppendBytes(bytes)),
        ScalarType.Timestamp => (r, i, w) => w.AppendTimestampMicros(r.GetInt64(i)),
        _ => throw new NotSupportedException($"Join keys of type {type} are not supported online."),
    };

    private static ValueReader ValueReaderFor(FeatureType type)
    {
        if (type.IsList)
        {
            // Timestamps arrive as BIGINT µs lists; their encoding equals int64's (zigzag varint).
            var element = type.Scalar == ScalarType.Timestamp ? ScalarType.Int64 : type.Scalar;
            return element switch
            {
                ScalarType.Bytes => (r, i, w) => w.WriteList(element, ReadBlobList(r.GetValue(i))),
                _ => (r, i, w) => w.WriteList(element, LatestRowLayout.ReadList(r, i, element)),
            };
        }
        return type.Scalar switch
        {
            ScalarType.Bool => (r, i, w) => w.WriteBool(r.GetBoolean(i)),
            ScalarType.Int32 => (r, i, w) => w.WriteInt32(r.GetInt32(i)),
            ScalarType.Int64 => (r, i, w) => w.WriteInt64(r.GetInt64(i)),
            ScalarType.Float32 => (r, i, w) => w.WriteFloat32(r.GetFloat(i)),
            ScalarType.Float64 => (r, i, w) => w.WriteFloat64(r.GetDouble(i)),
            ScalarType.String => (r, i, w) => w.WriteString(r.GetString(i)),
            ScalarType.Bytes => (r, i, w) => WithBytes(r, i, w, static (w2, bytes) => w2.WriteBytes(bytes)),
            ScalarType.Timestamp => (r, i, w) => w.WriteTimestampMicros(r.GetInt64(i)),
            _ => throw new NotSupportedException($"Feature type {type} is not supported."),
        };
    }

    private delegate void BytesConsumer<in TWriter>(TWriter writer, ReadOnlySpan<byte> bytes);

    private static void WithBytes<TWriter>(DbDataReader reader, int ordinal, TWriter writer, BytesConsumer<TWriter> consume)
    {
        using var stream = reader.GetStream(ordinal);
        var length = checked((int)stream.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            stream.ReadExactly(buffer, 0, length);
            consume(writer, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>BLOB list elements come back as streams; the encoder wants byte arrays.</summary>
    private static IList ReadBlobList(object value)
    {
        var list = (IList)value;
        var result = new byte[]?[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            switch (list[i])
            {
                case null:
                    break;
                case byte[] bytes:
                    result[i] = bytes;
                    break;
                case Stream stream:
                    using (stream)
                    {
                        var copy = new MemoryStream();
                        stream.CopyTo(copy);
                        result[i] = copy.ToArray();
                    }
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected list<bytes> element {list[i]!.GetType().Name}.");
            }
        }
        return result;
    }
}
