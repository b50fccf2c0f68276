using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Online;

public abstract class RedisOnlineStoreTests(IOnlineBackend backend)
{
    /// <summary>The cases against a real Redis.</summary>
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis) : RedisOnlineStoreTests(redis);

    /// <summary>The same cases against the embedded store (Garnet in-process).</summary>
    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store) : RedisOnlineStoreTests(store);

    /// <summary>A few hours ahead of the clock, so keys whose expiry follows event time + TTL are still alive.</summary>
    private static readonly DateTimeOffset T = StartOfHour(DateTimeOffset.UtcNow).AddHours(3);

    private static DateTimeOffset StartOfHour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    private RedisOnlineStore Store() => new(backend.Connection);

    /// <summary>driver_stats and the same view with its features reordered: another schema fingerprint.</summary>
    private static (FeatureViewDefinition View, FeatureViewDefinition Reordered) ViewAndReordered()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        return (view, view with { Features = [view.Features[1], view.Features[0]] });
    }

    private static OnlineReadRequest Request(DefinitionSet definitions, string[] features, DateTimeOffset readTime, params (string Key, object?[] Values)[] columns) =>
        new(definitions, definitions.ResolveReferences(features),
            columns.ToDictionary(c => c.Key, c => (IReadOnlyList<object?>)c.Values), readTime);

    private static async Task WriteAsync(RedisOnlineStore store, DefinitionSet definitions, FeatureViewDefinition view,
        params (object[] Keys, object?[] Values, DateTimeOffset Event, DateTimeOffset? Created)[] rows)
    {
        await using var writer = await store.OpenViewWriterAsync(definitions, view);
        foreach (var row in rows)
        {
            await writer.WriteRowAsync(row.Keys, row.Values, row.Event, row.Created);
        }
        await writer.FlushAsync();
    }

    [Fact]
    public async Task Read_reports_present_null_value_not_found_and_outside_max_age()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.FromHours(2));
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var store = Store();
        await WriteAsync(store, definitions, view,
            ([1L], [0.5f, 10L], T.AddMinutes(-30), null),
            ([2L], [null, 20L], T.AddMinutes(-10), null),
            ([3L], [0.7f, 30L], T.AddHours(-3), null));

        var result = await store.ReadAsync(Request(definitions, ["driver_stats:conv_rate", "driver_stats:trips"], T,
            ("driver_id", [1L, 2L, 3L, 4L])));

        var conv = result.Columns[0];
        var trips = result.Columns[1];
        Assert.Equal(new OnlineFeatureValue(0.5f, FeatureStatus.Present, T.AddMinutes(-30)), conv[0]);
        Assert.Equal(new OnlineFeatureValue(10L, FeatureStatus.Present, T.AddMinutes(-30)), trips[0]);
        Assert.Equal(FeatureStatus.NullValue, conv[1].Status);
        Assert.Null(conv[1].Value);
        Assert.Equal(20L, trips[1].Value);
        Assert.Equal(FeatureStatus.OutsideMaxAge, conv[2].Status);
        Assert.Null(conv[2].Value);
        Assert.Equal(FeatureStatus.NotFound, conv[3].Status);
        Assert.Equal(FeatureStatus.NotFound, trips[3].Status);
    }

    [Fact]
    public async Task Feature_list_reused_with_other_contents_is_read_as_its_new_contents()
    {
        // Read plans are cached per feature list instance: a caller refilling its list must not get the old shape.
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var store = Store();
        await WriteAsync(store, definitions, view, ([1L], [0.5f, 10L], T.AddMinutes(-30), null));
        var features = new List<FeatureReference>(definitions.ResolveReferences(["driver_stats:conv_rate"]));
        var keys = new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = new object?[] { 1L } };

        var first = await store.ReadAsync(new OnlineReadRequest(definitions, features, keys, T));
        features[0] = definitions.ResolveReferences(["driver_stats:trips"])[0];
        features.Add(definitions.ResolveReferences(["driver_stats:conv_rate"])[0]);
        var second = await store.ReadAsync(new OnlineReadRequest(definitions, features, keys, T));

        Assert.Equal(0.5f, first.Columns[0][0].Value);
        Assert.Equal(2, second.Columns.Count);
        Assert.Equal(10L, second.Columns[0][0].Value);
        Assert.Equal(0.5f, second.Columns[1][0].Value);
    }

    [Fact]
    public async Task Ttl_boundary_is_inclusive_like_the_training_set()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.FromHours(1));
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var store = Store();
        await WriteAsync(store, definitions, view, ([1L], [0.5f, 1L], T.AddHours(-1), null));

        var atEdge = await store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [1L])));
        var pastEdge = await store.ReadAsync(Request(definitions, ["driver_stats:trips"], T.AddTicks(10), ("driver_id", [1L])));

        Assert.Equal(FeatureStatus.Present, atEdge.Columns[0][0].Status);
        Assert.Equal(FeatureStatus.OutsideMaxAge, pastEdge.Columns[0][0].Status);
    }

    [Fact]
    public async Task Older_row_never_overwrites_newer_and_created_timestamp_breaks_ties()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var store = Store();
        await WriteAsync(store, definitions, view, ([1L], [0.9f, 9L], T, T));
        await WriteAsync(store, definitions, view,
            ([1L], [0.1f, 1L], T.AddHours(-1), T.AddHours(5)),   // older event: loses despite later created
            ([1L], [0.2f, 2L], T, T.AddSeconds(-1)),            // same event, older created: loses
            ([1L], [0.3f, 3L], T, null));                       // same event, no created: loses to a present one
        var read = await store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [1L])));
        Assert.Equal(9L, read.Columns[0][0].Value);

        await WriteAsync(store, definitions, view, ([1L], [0.4f, 4L], T, T.AddSeconds(1)));
        read = await store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [1L])));
        Assert.Equal(4L, read.Columns[0][0].Value);
    }

    [Fact]
    public async Task Views_sharing_an_entity_set_share_one_hash_and_composite_keys_ignore_entity_order()
    {
        var stats = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var other = OnlineTestDefinitions.DriverStats(TimeSpan.Zero, "driver_other");
        var pair = OnlineTestDefinitions.Pair(TimeSpan.Zero);
        var project = RedisFixture.UniqueProject();
        var definitions = OnlineTestDefinitions.Set(project, stats, other, pair);
        var store = Store();
        await WriteAsync(store, definitions, stats, ([7L], [0.5f, 1L], T, null));
        await WriteAsync(store, definitions, other, ([7L], [0.6f, 2L], T, null));
        // Pair lists [driver, customer]; keys are appended in sorted entity order: customer, then driver.
        await WriteAsync(store, definitions, pair, (["c1", 7L], [42], T, null));

        var keys = await ProjectKeysAsync(project);
        Assert.Equal(2, keys.Count);
        var driverKey = Assert.Single(keys, k => ((string)k!).Contains("}driver:"));
        Assert.Equal(2, await backend.Connection.GetDatabase().HashLengthAsync(driverKey));
        Assert.Single(keys, k => ((string)k!).Contains("}customer,driver:"));

        var read = await store.ReadAsync(Request(definitions, ["pair_stats:rides_together", "driver_other:trips", "driver_stats:trips"], T,
            ("driver_id", [7L]), ("customer_id", ["c1"])));
        Assert.Equal(42, read.Columns[0][0].Value);
        Assert.Equal(2L, read.Columns[1][0].Value);
        Assert.Equal(1L, read.Columns[2][0].Value);
    }

    [Fact]
    public async Task Key_expiry_follows_the_freshest_view_and_no_ttl_keeps_the_key_for_ever()
    {
        var shortView = OnlineTestDefinitions.DriverStats(TimeSpan.FromHours(1));
        var longView = OnlineTestDefinitions.DriverStats(TimeSpan.FromHours(3), "driver_long");
        var forever = OnlineTestDefinitions.DriverStats(TimeSpan.Zero, "driver_forever");
        var project = RedisFixture.UniqueProject();
        var definitions = OnlineTestDefinitions.Set(project, shortView, longView, forever);
        var store = Store();
        var db = backend.Connection.GetDatabase();

        await WriteAsync(store, definitions, longView, ([1L], [0.1f, 1L], T.AddMinutes(-30), null));
        await WriteAsync(store, definitions, shortView, ([1L], [0.1f, 1L], T.AddMinutes(-10), null));
        var key = Assert.Single(await ProjectKeysAsync(project));
        var expected = T.AddMinutes(-30).AddHours(3).ToUnixTimeMilliseconds();
        Assert.Equal(expected, (long)await db.ExecuteAsync("PEXPIRETIME", key));

        await WriteAsync(store, definitions, shortView, ([1L], [0.1f, 1L], T.AddHours(3), null));
        Assert.Equal(T.AddHours(4).ToUnixTimeMilliseconds(), (long)await db.ExecuteAsync("PEXPIRETIME", key));

        await WriteAsync(store, definitions, forever, ([1L], [0.1f, 1L], T, null));
        Assert.Equal(OnlineWriteScript.NeverMillis, (long)await db.ExecuteAsync("PEXPIRETIME", key));
        await WriteAsync(store, definitions, longView, ([1L], [0.1f, 1L], T.AddHours(5), null));
        Assert.Equal(OnlineWriteScript.NeverMillis, (long)await db.ExecuteAsync("PEXPIRETIME", key));

        // A key first written by a view without TTL, then by one with: it never expires either.
        await WriteAsync(store, definitions, forever, ([2L], [0.1f, 1L], T, null));
        await WriteAsync(store, definitions, shortView, ([2L], [0.1f, 1L], T, null));
        var key2 = Assert.Single(await ProjectKeysAsync(project), k => k != key);
        Assert.Equal(OnlineWriteScript.NeverMillis, (long)await db.ExecuteAsync("PEXPIRETIME", key2));
    }

    [Fact]
    public async Task Changed_view_schema_reads_as_not_found_instead_of_decoding_old_bytes()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var project = RedisFixture.UniqueProject();
        var store = Store();
        await WriteAsync(store, OnlineTestDefinitions.Set(project, view), view, ([1L], [0.5f, 10L], T, null));

        var changed = view with
        {
            Features = [view.Features[1], view.Features[0]],
        };
        var read = await store.ReadAsync(Request(OnlineTestDefinitions.Set(project, changed), ["driver_stats:trips"], T, ("driver_id", [1L])));
        Assert.Equal(FeatureStatus.NotFound, read.Columns[0][0].Status);
    }

    [Fact]
    public async Task Removed_view_is_not_served_and_its_fields_are_deleted()
    {
        var kept = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var removed = OnlineTestDefinitions.DriverStats(TimeSpan.Zero, "driver_removed");
        var project = RedisFixture.UniqueProject();
        var before = OnlineTestDefinitions.Set(project, kept, removed);
        var store = Store();
        await WriteAsync(store, before, kept, ([1L], [0.5f, 10L], T, null), ([2L], [0.5f, 10L], T, null));
        await WriteAsync(store, before, removed, ([1L], [0.5f, 10L], T, null), ([3L], [0.5f, 10L], T, null));

        var after = OnlineTestDefinitions.Set(project, kept);
        await Assert.ThrowsAsync<NotFoundException>(() =>
            store.ReadAsync(Request(before, ["driver_removed:trips"], T, ("driver_id", [1L])) with { Definitions = after }));

        var removedNames = await store.RemoveStaleViewsAsync(after);
        Assert.Equal(["driver_removed"], removedNames);
        var db = backend.Connection.GetDatabase();
        var keys = await ProjectKeysAsync(project);
        Assert.Equal(2, keys.Count); // the hash of driver 3 held only the removed view and is gone
        foreach (var key in keys)
        {
            Assert.False(await db.HashExistsAsync(key, "driver_removed"));
        }
        var read = await store.ReadAsync(Request(after, ["driver_stats:trips"], T, ("driver_id", [1L, 2L])));
        Assert.All(read.Columns[0], v => Assert.Equal(10L, v.Value));
        Assert.Empty(await store.RemoveStaleViewsAsync(after));
    }

    [Fact]
    public async Task Cleanup_on_an_older_registry_version_leaves_a_view_a_newer_version_rewrote()
    {
        var (view, changed) = ViewAndReordered();
        var project = RedisFixture.UniqueProject();
        var older = OnlineTestDefinitions.Set(project, view);
        var newer = OnlineTestDefinitions.Set(project, changed);
        var store = Store();
        await using (var writer = await store.OpenViewWriterAsync(newer, changed, registryVersion: 2))
        {
            await writer.WriteRowAsync([1L], [10L, 0.5f], T);
            await writer.FlushAsync();
        }

        Assert.Empty(await store.RemoveStaleViewsAsync(older, registryVersion: 1));
        var read = await store.ReadAsync(Request(newer, ["driver_stats:trips"], T, ("driver_id", [1L])));
        Assert.Equal(10L, read.Columns[0][0].Value);

        // The same or a newer version judges it as before: the older schema is what is stale now.
        Assert.Empty(await store.RemoveStaleViewsAsync(newer, registryVersion: 2));
        Assert.Equal(["driver_stats"], await store.RemoveStaleViewsAsync(older, registryVersion: 3));
    }

    [Fact]
    public async Task Writer_on_an_older_registry_version_may_not_replace_another_schema_but_may_write_the_same()
    {
        var (view, changed) = ViewAndReordered();
        var project = RedisFixture.UniqueProject();
        var store = Store();
        await (await store.OpenViewWriterAsync(OnlineTestDefinitions.Set(project, changed), changed, registryVersion: 5)).DisposeAsync();

        var refused = await Assert.ThrowsAsync<UserInputException>(() =>
            store.OpenViewWriterAsync(OnlineTestDefinitions.Set(project, view), view, registryVersion: 4));
        Assert.Contains("'driver_stats'", refused.Message);
        Assert.Contains("registry version 5", refused.Message);

        // Same schema from an older version: its values read fine under the newer one, so it may write; the entry
        // keeps the newer version.
        await (await store.OpenViewWriterAsync(OnlineTestDefinitions.Set(project, changed), changed, registryVersion: 3)).DisposeAsync();
        var entry = await backend.Connection.GetDatabase().HashGetAsync(new OnlineKeyLayout(project).ViewsKey, "driver_stats");
        Assert.Equal($"5:{FeatureValueCodec.ComputeFingerprint(changed.Features)}", (string?)entry);
    }

    [Fact]
    public async Task View_list_entry_without_a_version_counts_as_version_zero()
    {
        var (view, changed) = ViewAndReordered();
        var project = RedisFixture.UniqueProject();
        var store = Store();
        await WriteAsync(store, OnlineTestDefinitions.Set(project, view), view, ([1L], [0.5f, 10L], T, null));
        var views = new OnlineKeyLayout(project).ViewsKey;
        var db = backend.Connection.GetDatabase();
        await db.HashSetAsync(views, "driver_stats", (long)FeatureValueCodec.ComputeFingerprint(view.Features));

        Assert.Empty(await store.RemoveStaleViewsAsync(OnlineTestDefinitions.Set(project, view), registryVersion: 1));
        Assert.Equal(["driver_stats"], await store.RemoveStaleViewsAsync(OnlineTestDefinitions.Set(project, changed), registryVersion: 1));
        Assert.Empty(await ProjectKeysAsync(project));
        Assert.False(await db.HashExistsAsync(views, "driver_stats"));
    }

    [Fact]
    public async Task Malformed_requests_name_the_culprit()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var pair = OnlineTestDefinitions.Pair(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view, pair);
        var store = Store();

        var missing = await Assert.ThrowsAsync<UserInputException>(() =>
            store.ReadAsync(Request(definitions, ["pair_stats:rides_together"], T, ("driver_id", [1L]))));
        Assert.Contains("customer_id", missing.Message);

        var wrongType = await Assert.ThrowsAsync<UserInputException>(() =>
            store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [1L, "two"]))));
        Assert.Contains("driver_id", wrongType.Message);
        Assert.Contains("row 1", wrongType.Message);

        var lengths = await Assert.ThrowsAsync<UserInputException>(() =>
            store.ReadAsync(Request(definitions, ["pair_stats:rides_together"], T, ("driver_id", [1L, 2L]), ("customer_id", ["a"]))));
        Assert.Contains("customer_id", lengths.Message);

        var unknownFeature = new OnlineReadRequest(definitions, [new FeatureReference("driver_stats", "nope")],
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L] }, T);
        var notFound = await Assert.ThrowsAsync<NotFoundException>(() => store.ReadAsync(unknownFeature));
        Assert.Contains("nope", notFound.Message);

        var unknownView = unknownFeature with { Features = [new FeatureReference("nope_view", "trips")] };
        Assert.Contains("nope_view", (await Assert.ThrowsAsync<NotFoundException>(() => store.ReadAsync(unknownView))).Message);
    }

    [Fact]
    public async Task Null_key_value_reads_as_not_found_and_int_is_accepted_for_int64_keys()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var store = Store();
        await WriteAsync(store, definitions, view, ([5L], [0.5f, 10L], T, null));
        var read = await store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [null, 5])));
        Assert.Equal(FeatureStatus.NotFound, read.Columns[0][0].Status);
        Assert.Equal(10L, read.Columns[0][1].Value);
    }

    [Fact]
    public async Task Unreachable_redis_fails_with_store_unavailable_within_bounded_time()
    {
        var port = FreePort();
        var options = new RedisOnlineStoreOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300), CommandTimeout = TimeSpan.FromMilliseconds(500) };
        await using var store = await RedisOnlineStore.ConnectAsync($"127.0.0.1:{port}", options);
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var definitions = OnlineTestDefinitions.Set(RedisFixture.UniqueProject(), view);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            store.ReadAsync(Request(definitions, ["driver_stats:trips"], T, ("driver_id", [1L]))));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Keys_of_one_bucket_share_a_hash_slot()
    {
        var view = OnlineTestDefinitions.DriverStats(TimeSpan.Zero);
        var keys = new OnlineKeyLayout("p").ForView(OnlineTestDefinitions.Set("p", view), view);
        var writer = new EntityKeyWriter();
        var slotsByBucket = new Dictionary<int, HashSet<int>>();
        for (var id = 0L; id < 5000; id++)
        {
            writer.Reset();
            writer.AppendInt64(id);
            var bucket = keys.Bucket(writer.Written);
            var slot = backend.Connection.HashSlot(keys.BuildKey(writer.Written));
            (slotsByBucket.TryGetValue(bucket, out var set) ? set : slotsByBucket[bucket] = []).Add(slot);
        }
        Assert.All(slotsByBucket.Values, s => Assert.Single(s));
        Assert.True(slotsByBucket.Count > 900); // keys spread over (nearly) all 1024 buckets
    }

    /// <summary>
    /// A known difference: Redis's SCAN examines about COUNT slots per call, Garnet's walks on until it found COUNT
    /// matching keys, so a pattern few keys match costs Garnet one long call over the whole keyspace. The online store
    /// scans by project (removing stale views), and an embedded store normally holds one project, whose keys all match.
    /// </summary>
    [Fact]
    public async Task Scan_by_a_pattern_nothing_matches_stops_after_count_slots_on_redis_and_walks_everything_on_garnet()
    {
        var other = RedisFixture.UniqueProject();
        var database = backend.Connection.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => database.StringSetAsync($"{other}:{i}", i, TimeSpan.FromMinutes(5))));

        var reply = (RedisResult[])(await database.ExecuteAsync("SCAN", "0", "MATCH", $"{RedisFixture.UniqueProject()}:*", "COUNT", "10"))!;

        Assert.Empty((RedisResult[])reply[1]!);
        if (backend.Name == "embedded")
        {
            Assert.Equal("0", (string?)reply[0]); // done: everything was examined in this one call
        }
        else
        {
            Assert.NotEqual("0", (string?)reply[0]); // more to scan: about 10 slots were examined
        }
    }

    private async Task<List<RedisKey>> ProjectKeysAsync(string project)
    {
        var server = backend.Connection.GetServers().Single();
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: new OnlineKeyLayout(project).EntityKeyPattern))
        {
            keys.Add(key);
        }
        return keys;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
