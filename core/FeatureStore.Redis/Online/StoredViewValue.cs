using System.Buffers.Binary;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>
/// The value of one view's hash field: a 16-byte version header (event timestamp, then created timestamp, both
/// µs since the epoch as big-endian int64; <see cref="TimestampMicros.Missing"/> when there is no created timestamp)
/// followed by the <see cref="FeatureValueCodec"/> blob. The write script reads the header with
/// <c>struct.unpack('&gt;i8i8')</c> to compare versions without decoding values.
/// </summary>
public static class StoredViewValue
{
    public const int HeaderSize = 16;

    public static void WriteHeader(Span<byte> destination, long eventMicros, long createdMicros)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, eventMicros);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], createdMicros);
    }

    public static byte[] Create(long eventMicros, long createdMicros, ReadOnlySpan<byte> blob)
    {
        var value = new byte[HeaderSize + blob.Length];
        WriteHeader(value, eventMicros, createdMicros);
        blob.CopyTo(value.AsSpan(HeaderSize));
        return value;
    }

    public static bool TryRead(ReadOnlySpan<byte> stored, out long eventMicros, out long createdMicros, out ReadOnlySpan<byte> blob)
    {
        if (stored.Length < HeaderSize)
        {
            eventMicros = createdMicros = 0;
            blob = default;
            return false;
        }
        eventMicros = BinaryPrimitives.ReadInt64BigEndian(stored);
        createdMicros = BinaryPrimitives.ReadInt64BigEndian(stored[8..]);
        blob = stored[HeaderSize..];
        return true;
    }
}
