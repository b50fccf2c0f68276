using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>Builds the Redis keys of one entity set (see <see cref="OnlineKeyLayout"/>).</summary>
public sealed class EntitySetKeys
{
    private readonly byte[] _head;
    private readonly byte[] _tail;

    internal EntitySetKeys(string project, IEnumerable<EntityDefinition> entities)
    {
        Entities = entities.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
        foreach (var entity in Entities)
        {
            if (!EntityKeyWriter.IsSupportedKeyType(entity.ValueType))
            {
                throw new UserInputException(
                    $"Entity '{entity.Name}' has join key type {entity.ValueType}, which the online store cannot key by " +
                    "(use int32, int64, string, bytes, bool or timestamp).");
            }
        }
        Name = string.Join(",", Entities.Select(e => e.Name));
        _head = Encoding.UTF8.GetBytes($"fs:{{{project}:");
        _tail = Encoding.UTF8.GetBytes($"}}{Name}:");
    }

    /// <summary>The entities in key order: sorted by name (ordinal).</summary>
    public IReadOnlyList<EntityDefinition> Entities { get; }

    /// <summary>Entity names joined by commas, as they appear in the key.</summary>
    public string Name { get; }

    /// <summary>SCAN pattern matching every key of this entity set in the project (any bucket, any key values).</summary>
    public string ScanPattern => $"{Encoding.UTF8.GetString(_head)}???{Encoding.UTF8.GetString(_tail)}*";

    /// <summary>The bucket (hash tag) of a key; keys of one script call must share it.</summary>
    public int Bucket(ReadOnlySpan<byte> encodedValues)
    {
        var hash = 2166136261u;
        foreach (var b in _tail)
        {
            hash = (hash ^ b) * 16777619u;
        }
        foreach (var b in encodedValues)
        {
            hash = (hash ^ b) * 16777619u;
        }
        return (int)(hash % OnlineKeyLayout.BucketCount);
    }

    public byte[] BuildKey(ReadOnlySpan<byte> encodedValues) => BuildKey(encodedValues, Bucket(encodedValues));

    public byte[] BuildKey(ReadOnlySpan<byte> encodedValues, int bucket)
    {
        var key = new byte[_head.Length + 3 + _tail.Length + encodedValues.Length];
        _head.CopyTo(key, 0);
        var at = _head.Length;
        key[at++] = Hex(bucket >> 8);
        key[at++] = Hex(bucket >> 4);
        key[at++] = Hex(bucket);
        _tail.CopyTo(key, at);
        encodedValues.CopyTo(key.AsSpan(at + _tail.Length));
        return key;
    }

    private static byte Hex(int nibble) => (byte)"0123456789abcdef"[nibble & 0xF];
}
