using FeatureStore.Core.PointInTime;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;

namespace FeatureStore.Tests.Online;

/// <summary>
/// The compare-and-set script's order is <see cref="RowVersion.CompareTo"/>: run against a real Redis with every
/// ordered pair of edge versions (<see cref="VersionEdgeCases"/>), the second write wins exactly when its version
/// is not older than the first.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class OnlineWriteScriptOrderTests(RedisFixture redis)
{
    private const string Field = "v";
    private const int KeysPerCall = 500;

    [Fact]
    public async Task Write_script_keeps_the_version_RowVersion_orders_last_for_every_pair_of_edge_versions()
    {
        var versions = VersionEdgeCases.AllVersions();
        var prefix = RedisFixture.UniqueProject("order");
        var pairs = versions.SelectMany((first, i) => versions.Select((second, j) => (Key: (RedisKey)$"{prefix}:{i}:{j}", First: first, Second: second))).ToArray();
        var database = redis.Connection.GetDatabase();
        try
        {
            await WriteAsync(database, pairs.Select(p => (p.Key, StoredViewValue.Create(p.First, "first"u8))).ToArray());
            await WriteAsync(database, pairs.Select(p => (p.Key, StoredViewValue.Create(p.Second, "second"u8))).ToArray());

            var stored = await Task.WhenAll(pairs.Select(p => database.HashGetAsync(p.Key, Field)));
            var wrong = new List<string>();
            for (var i = 0; i < pairs.Length; i++)
            {
                var (_, first, second) = pairs[i];
                var expected = second.CompareTo(first) >= 0 ? (second, "second") : (first, "first");
                Assert.True(StoredViewValue.TryRead((byte[])stored[i]!, out var version, out var blob));
                var actual = (version, System.Text.Encoding.ASCII.GetString(blob));
                if (actual != expected)
                {
                    wrong.Add($"({first.EventMicros}, {first.CreatedMicros}) then ({second.EventMicros}, {second.CreatedMicros}): kept the {actual.Item2}, RowVersion orders the {expected.Item2} last");
                }
            }
            Assert.True(pairs.Length > 5000);
            Assert.True(wrong.Count == 0, $"{wrong.Count} of {pairs.Length} pairs kept the wrong version, e.g.:\n{string.Join("\n", wrong.Take(10))}");
        }
        finally
        {
            foreach (var chunk in pairs.Select(p => p.Key).Chunk(KeysPerCall))
            {
                await database.KeyDeleteAsync(chunk);
            }
        }
    }

    /// <summary>One script call per chunk of keys, each key with its value and an expiry far ahead.</summary>
    private static async Task WriteAsync(IDatabase database, (RedisKey Key, byte[] Value)[] writes)
    {
        foreach (var chunk in writes.Chunk(KeysPerCall))
        {
            var args = new List<RedisValue> { Field };
            foreach (var (_, value) in chunk)
            {
                args.Add(value);
                args.Add(OnlineWriteScript.NeverMillis);
            }
            await database.ScriptEvaluateAsync(OnlineWriteScript.Source, chunk.Select(w => w.Key).ToArray(), args.ToArray());
        }
    }
}
