using System.Buffers.Binary;
using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>
/// Writes one view's feature values in the compact online encoding (see <see cref="FeatureValueCodec"/>) into a
/// reusable buffer, value by value and without boxing, so the materializer's hot path allocates nothing per value.
/// Call <see cref="Begin"/>, then exactly one Write* (or <see cref="WriteNull"/>) per feature in view order.
/// </summary>
internal sealed class FeatureBlobWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;
    private int _bitmapOffset;
    private int _featureIndex;
    private int _featureCount;

    /// <summary>The bytes written since <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Starts a new blob: format version, schema fingerprint and an all-present null bitmap.</summary>
    public void Begin(uint fingerprint, int featureCount)
    {
        _length = 0;
        _featureIndex = 0;
        _featureCount = featureCount;
        var bitmapBytes = (featureCount + 7) / 8;
        var span = Reserve(1 + 4 + bitmapBytes);
        span[0] = FeatureValueCodec.FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], fingerprint);
        span.Slice(5, bitmapBytes).Clear();
        _bitmapOffset = 5;
    }

    /// <summary>Checks that every feature got a value; call before reading <see cref="Written"/>.</summary>
    public void Complete()
    {
        if (_featureIndex != _featureCount)
        {
            throw new InvalidOperationException($"Blob has {_featureIndex} of {_featureCount} feature values.");
        }
    }

    public void WriteNull()
    {
        var index = NextFeature();
        _buffer[_bitmapOffset + (index >> 3)] |= (byte)(1 << (index & 7));
    }

    public void WriteBool(bool value)
    {
        NextFeature();
        AppendBool(value);
    }

    public void WriteInt32(int value)
    {
        NextFeature();
        AppendVarInt(ZigZag(value));
    }

    public void WriteInt64(long value)
    {
        NextFeature();
        AppendVarInt(ZigZag(value));
    }

    public void WriteFloat32(float value)
    {
        NextFeature();
        AppendFloat32(value);
    }

    public void WriteFloat64(double value)
    {
        NextFeature();
        AppendFloat64(value);
    }

    public void WriteString(ReadOnlySpan<char> value)
    {
        NextFeature();
        AppendString(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        NextFeature();
        AppendBytes(value);
    }

    /// <summary>A timestamp as microseconds since the Unix epoch (UTC), DuckDB's native precision.</summary>
    public void WriteTimestampMicros(long micros)
    {
        NextFeature();
        AppendVarInt(ZigZag(micros));
    }

    /// <summary>
    /// Writes a list feature: element count, a flag telling whether an element null bitmap follows, then the
    /// non-null elements. Elements are CLR values of <paramref name="elementType"/> (boxed; lists are not the hot path).
    /// </summary>
    public void WriteList(ScalarType elementType, System.Collections.IList values)
    {
        NextFeature();
        var count = values.Count;
        AppendVarInt((ulong)count);
        var hasNulls = false;
        for (var i = 0; i < count && !hasNulls; i++)
        {
            hasNulls = values[i] is null;
        }
        AppendByte(hasNulls ? (byte)1 : (byte)0);
        if (hasNulls)
        {
            var bitmapBytes = (count + 7) / 8;
            var bitmap = Reserve(bitmapBytes);
            bitmap.Clear();
            for (var i = 0; i < count; i++)
            {
                if (values[i] is null)
                {
                    bitmap[i >> 3] |= (byte)(1 << (i & 7));
                }
            }
        }
        for (var i = 0; i < count; i++)
        {
            if (values[i] is { } element)
            {
                AppendScalar(elementType, element);
            }
        }
    }

    /// <summary>Writes one scalar feature from a CLR value (used by the general, boxed encode path).</summary>
    public void WriteScalar(ScalarType type, object value)
    {
        NextFeature();
        AppendScalar(type, value);
    }

    private void AppendScalar(ScalarType type, object value)
    {
        switch (type)
        {
            case ScalarType.Bool:
                AppendBool(value is bool b ? b : throw Mismatch(type, value));
                break;
            case ScalarType.Int32:
                AppendVarInt(ZigZag(value switch
                {
                    int i => i,
                    short s => s,
                    byte u => u,
                    long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
                    _ => throw Mismatch(type, value),
                }));
                break;
            case ScalarType.Int64:
                AppendVarInt(ZigZag(value switch
                {
                    long l => l,
                    int i => i,
                    short s => s,
                    byte u => u,
                    _ => throw Mismatch(type, value),
                }));
                break;
            case ScalarType.Float32:
                AppendFloat32(value switch
                {
                    float f => f,
                    double d => (float)d,
                    _ => throw Mismatch(type, value),
                });
                break;
            case ScalarType.Float64:
                AppendFloat64(value switch
                {
                    double d => d,
                    float f => f,
                    _ => throw Mismatch(type, value),
                });
                break;
            case ScalarType.String:
                AppendString(value is string s1 ? s1 : throw Mismatch(type, value));
                break;
            case ScalarType.Bytes:
                AppendBytes(value is byte[] bytes ? bytes : throw Mismatch(type, value));
                break;
            case ScalarType.Timestamp:
                AppendVarInt(ZigZag(value switch
                {
                    DateTimeOffset dto => TimestampMicros.FromDateTimeOffset(dto),
                    DateTime dt => TimestampMicros.FromDateTime(dt),
                    _ => throw Mismatch(type, value),
                }));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static ArgumentException Mismatch(ScalarType type, object value) =>
        new($"A {value.GetType().Name} cannot be encoded as {type.ToString().ToLowerInvariant()}.");

    private int NextFeature()
    {
        if (_featureIndex >= _featureCount)
        {
            throw new InvalidOperationException($"Blob already has all {_featureCount} feature values.");
        }
        return _featureIndex++;
    }

    private void AppendBool(bool value) => AppendByte(value ? (byte)1 : (byte)0);

    private void AppendByte(byte value)
    {
        Reserve(1)[0] = value;
    }

    private void AppendFloat32(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    private void AppendFloat64(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    private void AppendString(ReadOnlySpan<char> value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            // Length fits one varint byte: write the bytes right after a one-byte length.
            var span = Reserve(1 + max);
            var written = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)written;
            _length -= max - written;
            return;
        }
        var byteCount = Encoding.UTF8.GetByteCount(value);
        AppendVarInt((ulong)byteCount);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    private void AppendBytes(ReadOnlySpan<byte> value)
    {
        AppendVarInt((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    private void AppendVarInt(ulong value)
    {
        var span = Reserve(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        _length -= 10 - i;
    }

    internal static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
