using System.Buffers.Binary;
using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>
/// The compact binary encoding of one view's feature values, stored as one Redis hash field per view. Layout:
/// <code>
/// [1]  format version (1)
/// [4]  schema fingerprint, uint32 LE: FNV-1a over the view's feature names and types, in order
/// [n]  null bitmap, (features + 7) / 8 bytes, bit i set = feature i is null
/// then each non-null feature in view order:
///   bool 1 byte; int32, int64, timestamp (µs since epoch) zigzag varint; float32/float64 IEEE LE;
///   string (UTF-8) and bytes: varint length + bytes;
///   list: varint count, 1 flag byte (1 = an element null bitmap follows), then the non-null elements as above.
/// </code>
/// The fingerprint makes a changed view (features added, removed, renamed, retyped or reordered) never decode old
/// bytes as new ones: <see cref="TryDecodeInto"/> reports a mismatch, which a read treats as NOT_FOUND.
/// </summary>
internal sealed class FeatureValueCodec
{
    public const byte FormatVersion = 1;

    public FeatureValueCodec(IReadOnlyList<FeatureDefinition> features)
    {
        Features = features;
        Fingerprint = ComputeFingerprint(features);
        _types = features.Select(f => f.Type).ToArray();
    }

    private readonly FeatureType[] _types;

    public IReadOnlyList<FeatureDefinition> Features { get; }

    public uint Fingerprint { get; }

    /// <summary>FNV-1a (32 bit) over format version, then per feature its name and type spelling.</summary>
    public static uint ComputeFingerprint(IReadOnlyList<FeatureDefinition> features)
    {
        var hash = 2166136261u;
        hash = Mix(hash, FormatVersion);
        foreach (var feature in features)
        {
            foreach (var b in Encoding.UTF8.GetBytes(feature.Name))
            {
                hash = Mix(hash, b);
            }
            hash = Mix(hash, 0);
            foreach (var b in Encoding.UTF8.GetBytes(feature.Type.ToString()))
            {
                hash = Mix(hash, b);
            }
            hash = Mix(hash, 0);
        }
        return hash;

        static uint Mix(uint h, byte b) => (h ^ b) * 16777619u;
    }

    /// <summary>
    /// Encodes CLR values (one per feature, view order; null for null) as accepted in
    /// <see cref="OnlineFeatureValue.Value"/>; lists may be arrays or lists, with null elements.
    /// </summary>
    public void Encode(FeatureBlobWriter writer, IReadOnlyList<object?> values)
    {
        if (values.Count != Features.Count)
        {
            throw new ArgumentException($"Expected {Features.Count} values, got {values.Count}.", nameof(values));
        }
        writer.Begin(Fingerprint, Features.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var type = Features[i].Type;
            var value = values[i];
            if (value is null)
            {
                writer.WriteNull();
            }
            else if (type.IsList)
            {
                writer.WriteList(type.Scalar, value as System.Collections.IList
                    ?? throw new ArgumentException($"Feature '{Features[i].Name}' is {type} but got a {value.GetType().Name}."));
            }
            else
            {
                writer.WriteScalar(type.Scalar, value);
            }
        }
        writer.Complete();
    }

    /// <summary>Convenience: encodes into a new array.</summary>
    public byte[] Encode(IReadOnlyList<object?> values)
    {
        var writer = new FeatureBlobWriter();
        Encode(writer, values);
        return writer.Written.ToArray();
    }

    /// <summary>
    /// Decodes a blob straight into typed columns: feature i goes to <paramref name="targets"/>[i] at
    /// <paramref name="row"/> (null: not asked for, skipped), marked NULL_VALUE where the blob holds a null. Returns
    /// false when the blob was written for another schema or format version; throws <see cref="FormatException"/>
    /// when it is corrupt (the row's entries are then partly written; the caller marks the row NOT_FOUND).
    /// </summary>
    internal bool TryDecodeInto(ReadOnlySpan<byte> blob, int row, FeatureColumn?[] targets)
    {
        if (!TryReadHeader(blob, out var bitmap, out var bodyStart))
        {
            return false;
        }
        var reader = new BlobReader(blob, bodyStart);
        for (var i = 0; i < _types.Length; i++)
        {
            var target = targets[i];
            if ((bitmap[i >> 3] & (1 << (i & 7))) != 0)
            {
                target?.SetNull(row);
                continue;
            }
            var type = _types[i];
            if (target is null)
            {
                reader.Skip(type);
            }
            else if (type.IsList)
            {
                target.SetList(row, reader.ReadList(type.Scalar));
            }
            else
            {
                reader.ReadInto(type.Scalar, target, row);
            }
        }
        if (!reader.AtEnd)
        {
            throw new FormatException("Online value has trailing bytes.");
        }
        return true;
    }

    /// <summary>False when the blob was written for another schema or format version (or is too short for a header).</summary>
    private bool TryReadHeader(ReadOnlySpan<byte> blob, out ReadOnlySpan<byte> nullBitmap, out int bodyStart)
    {
        var bitmapBytes = (_types.Length + 7) / 8;
        bodyStart = 5 + bitmapBytes;
        if (blob.Length < bodyStart || blob[0] != FormatVersion || BinaryPrimitives.ReadUInt32LittleEndian(blob[1..]) != Fingerprint)
        {
            nullBitmap = default;
            return false;
        }
        nullBitmap = blob.Slice(5, bitmapBytes);
        return true;
    }

    private ref struct BlobReader(ReadOnlySpan<byte> data, int position)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = position;

        public readonly bool AtEnd => _position == _data.Length;

        public object ReadScalar(ScalarType type) => type switch
        {
            ScalarType.Bool => ReadByte() != 0,
            ScalarType.Int32 => checked((int)ReadZigZag()),
            ScalarType.Int64 => ReadZigZag(),
            ScalarType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(Take(4)),
            ScalarType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
            ScalarType.String => Encoding.UTF8.GetString(Take(ReadLength())),
            ScalarType.Bytes => Take(ReadLength()).ToArray(),
            ScalarType.Timestamp => TimestampMicros.ToDateTimeOffset(ReadZigZag()),
            _ => throw new FormatException($"Unknown scalar type {type}."),
        };

        /// <summary>Reads one scalar into a column without boxing it.</summary>
        public void ReadInto(ScalarType type, FeatureColumn column, int row)
        {
            switch (type)
            {
                case ScalarType.Bool:
                    column.Set(row, ReadByte() != 0);
                    break;
                case ScalarType.Int32:
                    column.Set(row, checked((int)ReadZigZag()));
                    break;
                case ScalarType.Int64:
                case ScalarType.Timestamp:
                    column.Set(row, ReadZigZag());
                    break;
                case ScalarType.Float32:
                    column.Set(row, BinaryPrimitives.ReadSingleLittleEndian(Take(4)));
                    break;
                case ScalarType.Float64:
                    column.Set(row, BinaryPrimitives.ReadDoubleLittleEndian(Take(8)));
                    break;
                case ScalarType.String:
                    column.Set(row, Encoding.UTF8.GetString(Take(ReadLength())));
                    break;
                case ScalarType.Bytes:
                    column.Set(row, Take(ReadLength()).ToArray());
                    break;
                default:
                    throw new FormatException($"Unknown scalar type {type}.");
            }
        }

        /// <summary>Moves past one value (scalar or list) that nobody asked for.</summary>
        public void Skip(FeatureType type)
        {
            if (!type.IsList)
            {
                SkipScalar(type.Scalar);
                return;
            }
            var count = ReadLength();
            ReadOnlySpan<byte> nulls = ReadByte() switch
            {
                0 => default,
                1 => Take((count + 7) / 8),
                _ => throw new FormatException("Bad list null flag."),
            };
            for (var i = 0; i < count; i++)
            {
                if (nulls.IsEmpty || (nulls[i >> 3] & (1 << (i & 7))) == 0)
                {
                    SkipScalar(type.Scalar);
                }
            }
        }

        private void SkipScalar(ScalarType type)
        {
            switch (type)
            {
                case ScalarType.Bool:
                    Take(1);
                    break;
                case ScalarType.Int32:
                case ScalarType.Int64:
                case ScalarType.Timestamp:
                    ReadVarInt();
                    break;
                case ScalarType.Float32:
                    Take(4);
                    break;
                case ScalarType.Float64:
                    Take(8);
                    break;
                case ScalarType.String:
                case ScalarType.Bytes:
                    Take(ReadLength());
                    break;
                default:
                    throw new FormatException($"Unknown scalar type {type}.");
            }
        }

        /// <summary>
        /// A typed array (<c>float[]</c>, <c>string[]</c>, ...); when elements are null, value types come back as
        /// nullable arrays (<c>float?[]</c>) and reference types hold nulls.
        /// </summary>
        public Array ReadList(ScalarType type)
        {
            var count = ReadLength();
            var hasNulls = ReadByte() switch
            {
                0 => false,
                1 => true,
                _ => throw new FormatException("Bad list null flag."),
            };
            var nulls = hasNulls ? Take((count + 7) / 8).ToArray() : null;
            var array = CreateArray(type, count, hasNulls);
            for (var i = 0; i < count; i++)
            {
                if (nulls is not null && (nulls[i >> 3] & (1 << (i & 7))) != 0)
                {
                    continue;
                }
                array.SetValue(ReadScalar(type), i);
            }
            return array;
        }

        private static Array CreateArray(ScalarType type, int count, bool nullable) => (type, nullable) switch
        {
            (ScalarType.Bool, false) => new bool[count],
            (ScalarType.Bool, true) => new bool?[count],
            (ScalarType.Int32, false) => new int[count],
            (ScalarType.Int32, true) => new int?[count],
            (ScalarType.Int64, false) => new long[count],
            (ScalarType.Int64, true) => new long?[count],
            (ScalarType.Float32, false) => new float[count],
            (ScalarType.Float32, true) => new float?[count],
            (ScalarType.Float64, false) => new double[count],
            (ScalarType.Float64, true) => new double?[count],
            (ScalarType.String, _) => new string?[count],
            (ScalarType.Bytes, _) => new byte[]?[count],
            (ScalarType.Timestamp, false) => new DateTimeOffset[count],
            (ScalarType.Timestamp, true) => new DateTimeOffset?[count],
            _ => throw new FormatException($"Unknown scalar type {type}."),
        };

        private byte ReadByte() => Take(1)[0];

        private int ReadLength()
        {
            var length = ReadVarInt();
            if (length > (ulong)(_data.Length - _position) * 8 + 8)
            {
                throw new FormatException("Online value length is out of range.");
            }
            return (int)length;
        }

        private long ReadZigZag()
        {
            var raw = ReadVarInt();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        private ulong ReadVarInt()
        {
            ulong result = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = ReadByte();
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }
            throw new FormatException("Online value has a malformed varint.");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || _position + count > _data.Length)
            {
                throw new FormatException("Online value is truncated.");
            }
            var span = _data.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
