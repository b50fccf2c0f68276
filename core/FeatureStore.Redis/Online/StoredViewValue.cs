using System.Buffers.Binary;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Redis;

/// <summary>
/// The value of one view's hash field: a 16-byte version header, the row's <see cref="RowVersion"/> as
/// <see cref="RowVersion.EventMicros"/> then <see cref="RowVersion.CreatedMicros"/> (big-endian int64 each, a missing
/// created timestamp being <see cref="RowVersion.MissingCreated"/>), followed by the <see cref="FeatureValueCodec"/>
/// blob. Comparing two headers field by field as signed integers is <see cref="RowVersion.CompareTo"/>, which is how
/// <see cref="OnlineWriteScript"/> compares versions without decoding values.
/// </summary>
public static class StoredViewValue
{
    public const int HeaderSize = 16;

    public static void WriteHeader(Span<byte> destination, RowVersion version)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, version.EventMicros);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], version.CreatedMicros);
    }

    public static byte[] Create(RowVersion version, ReadOnlySpan<byte> blob)
    {
        var value = new byte[HeaderSize + blob.Length];
        WriteHeader(value, version);
        blob.CopyTo(value.AsSpan(HeaderSize));
        return value;
    }

    public static bool TryRead(ReadOnlySpan<byte> stored, out RowVersion version, out ReadOnlySpan<byte> blob)
    {
        if (stored.Length < HeaderSize)
        {
            version = default;
            blob = default;
            return false;
        }
        version = new RowVersion(BinaryPrimitives.ReadInt64BigEndian(stored), BinaryPrimitives.ReadInt64BigEndian(stored[8..]));
        blob = stored[HeaderSize..];
        return true;
    }
}
