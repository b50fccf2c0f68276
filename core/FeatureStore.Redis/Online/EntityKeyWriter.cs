using System.Buffers.Binary;
using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>
/// Encodes the join-key values of one entity row, unambiguously: per value a type tag byte, then the value
/// (int64/timestamp 8 bytes big-endian, int32 4 bytes big-endian, bool 1 byte, string/bytes varint length + bytes).
/// Tags and length prefixes mean no two different key tuples encode to the same bytes, whatever they contain.
/// Reuses one buffer; values are appended in the entity set's order (entity names sorted, see <see cref="EntitySetKeys"/>).
/// </summary>
internal sealed class EntityKeyWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void AppendInt64(long value)
    {
        var span = Reserve(9);
        span[0] = (byte)'l';
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
    }

    public void AppendInt32(int value)
    {
        var span = Reserve(5);
        span[0] = (byte)'i';
        BinaryPrimitives.WriteInt32BigEndian(span[1..], value);
    }

    public void AppendBool(bool value)
    {
        var span = Reserve(2);
        span[0] = (byte)'z';
        span[1] = value ? (byte)1 : (byte)0;
    }

    public void AppendTimestampMicros(long micros)
    {
        var span = Reserve(9);
        span[0] = (byte)'t';
        BinaryPrimitives.WriteInt64BigEndian(span[1..], micros);
    }

    public void AppendString(ReadOnlySpan<char> value)
    {
        Reserve(1)[0] = (byte)'s';
        var count = Encoding.UTF8.GetByteCount(value);
        AppendLength(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void AppendBytes(ReadOnlySpan<byte> value)
    {
        Reserve(1)[0] = (byte)'b';
        AppendLength(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>
    /// Appends a CLR key value of the entity's declared type (long for int64 — int is widened —, int for int32,
    /// string, byte[], bool, DateTimeOffset for timestamp). Returns false when the value has the wrong CLR type.
    /// </summary>
    public bool TryAppend(ScalarType type, object value)
    {
        switch (type, value)
        {
            case (ScalarType.Int64, long l): AppendInt64(l); return true;
            case (ScalarType.Int64, int i): AppendInt64(i); return true;
            case (ScalarType.Int32, int i): AppendInt32(i); return true;
            case (ScalarType.String, string s): AppendString(s); return true;
            case (ScalarType.Bytes, byte[] b): AppendBytes(b); return true;
            case (ScalarType.Bool, bool z): AppendBool(z); return true;
            case (ScalarType.Timestamp, DateTimeOffset t): AppendTimestampMicros(TimestampMicros.FromDateTimeOffset(t)); return true;
            default: return false;
        }
    }

    /// <summary>Join keys may be int32, int64, string, bytes, bool or timestamp; floats make poor keys.</summary>
    public static bool IsSupportedKeyType(FeatureType type) => !type.IsList && type.Scalar is not (ScalarType.Float32 or ScalarType.Float64);

    private void AppendLength(int count)
    {
        var value = (uint)count;
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
    }

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
