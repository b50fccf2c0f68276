using FeatureStore.Core.Materialization;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Online;

/// <summary>
/// <see cref="RedisOnlineStore.RemoveProjectAsync"/> (what <c>featurestore teardown</c> runs): every key of the
/// project goes, entity hashes, view list and locks alike, and no key of another project, even one whose name starts
/// with the same letters.
/// </summary>
public abstract class ProjectRemovalTests(IOnlineBackend backend)
{
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis) : ProjectRemovalTests(redis);

    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store) : ProjectRemovalTests(store);

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private async Task WriteDriversAsync(RedisOnlineStore store, string project, int drivers)
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(project, view);
        await using var writer = await store.OpenViewWriterAsync(definitions, view, 1);
        for (var driver = 1L; driver <= drivers; driver++)
        {
            await writer.WriteRowAsync([driver], [0.5f, driver], Now.AddMinutes(-5));
        }
        await writer.FlushAsync();
    }

    /// <summary>The project's keys: <c>fs:{project:...}</c> entity hashes and <c>fs:{project}:...</c> tagged keys.</summary>
    private async Task<string[]> KeysAsync(string project)
    {
        var keys = new List<string>();
        foreach (var server in backend.Connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: $"fs:{{{project}*"))
            {
                var text = (string)key!;
                if (text.StartsWith($"fs:{{{project}:", StringComparison.Ordinal) || text.StartsWith($"fs:{{{project}}}", StringComparison.Ordinal))
                {
                    keys.Add(text);
                }
            }
        }
        return keys.Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task Removes_every_key_of_the_project_and_none_of_another()
    {
        var project = RedisFixture.UniqueProject("rm");
        var neighbour = project + "_x";
        var store = new RedisOnlineStore(backend.Connection, new RedisOnlineStoreOptions { ScanPageSize = 7 });
        await WriteDriversAsync(store, project, 25);
        await WriteDriversAsync(store, neighbour, 3);
        var held = await store.AcquireMaterializationLockAsync(project, "driver_stats", new MaterializationOptions(), wait: false);
        var before = await KeysAsync(project);
        Assert.Equal(25 + 2, before.Length); // 25 entity hashes, the view list, the lock

        var deleted = await store.RemoveProjectAsync(project);

        Assert.Equal(before.Length, deleted);
        Assert.Empty(await KeysAsync(project));
        Assert.Equal(3 + 1, (await KeysAsync(neighbour)).Length);
        Assert.Equal(0, await store.RemoveProjectAsync(project));
        await held.DisposeAsync();
        await store.RemoveProjectAsync(neighbour);
    }
}
