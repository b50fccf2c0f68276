using System.Runtime.CompilerServices;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Reads back every value of one view (<see cref="IOnlineStore.ScanViewAsync"/>): SCAN on every primary by the
/// pattern of the view's entity set (<c>fs:{project:???}entities:*</c>), then the view's field of each key in
/// pipelined pages of <see cref="RedisOnlineStoreOptions.ScanPageSize"/>, decoded with the view's codec. Values of
/// another schema, and values older than the view's TTL (a read now would not serve them), are skipped.
/// </summary>
internal sealed class OnlineViewScan(RedisOnlineStore store, FeatureValueCodec codec, string keyPattern, FeatureViewDefinition view)
{
    public async IAsyncEnumerable<OnlineViewRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = store.Connection;
        if (!connection.IsConnected)
        {
            throw RedisRetry.Unavailable(connection, "not connected",
                new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "not connected", null, CommandStatus.Unknown));
        }
        var database = connection.GetDatabase();
        var field = OnlineKeyLayout.ViewField(view.Name);
        var pageSize = Math.Max(1, store.Options.ScanPageSize);
        var now = DateTimeOffset.UtcNow;
        foreach (var server in connection.GetServers().Where(s => !s.IsReplica))
        {
            var page = new List<Task<RedisValue>>(pageSize);
            var keys = server.KeysAsync(database.Database, keyPattern, pageSize).WithCancellation(cancellationToken).ConfigureAwait(false);
            var enumerator = keys.GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await enumerator.MoveNextAsync();
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        throw RedisRetry.Unavailable(connection, $"the scan of view '{view.Name}' failed", ex);
                    }
                    if (more)
                    {
                        page.Add(database.HashGetAsync(enumerator.Current, field));
                    }
                    if (page.Count >= pageSize || (!more && page.Count > 0))
                    {
                        foreach (var row in await DecodeAsync(page, now).ConfigureAwait(false))
                        {
                            yield return row;
                        }
                        page.Clear();
                    }
                    if (!more)
                    {
                        break;
                    }
                }
            }
            finally
            {
                await enumerator.DisposeAsync();
            }
        }
    }

    private async Task<List<OnlineViewRow>> DecodeAsync(List<Task<RedisValue>> page, DateTimeOffset now)
    {
        RedisValue[] values;
        try
        {
            values = await Task.WhenAll(page).WaitAsync(store.Options.CommandTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _ = Task.WhenAll(page).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            throw RedisRetry.Unavailable(store.Connection, $"reading the values of view '{view.Name}' did not complete within {store.Options.CommandTimeout.TotalSeconds:0.#} s", ex);
        }
        var columns = codec.Features.Select(f => new FeatureColumn(f.Type, values.Length)).ToArray();
        var targets = columns.Cast<FeatureColumn?>().ToArray();
        var rows = new List<OnlineViewRow>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].IsNull || !StoredViewValue.TryRead((byte[])values[i]!, out var version, out var blob))
            {
                continue;
            }
            var eventMicros = version.EventMicros;
            // A value older than the TTL reads as OUTSIDE_MAX_AGE, so it is not served; one dated ahead of this
            // machine's clock is (the writer's clock decides), so only the lower bound applies here.
            if (LatestValueRule.OldestWithinTtl(now, view.Ttl) is { } oldest && TimestampMicros.ToDateTimeOffset(eventMicros) < oldest)
            {
                continue;
            }
            foreach (var column in columns)
            {
                column.SetRow(i, FeatureStatus.Present, eventMicros);
            }
            bool decoded;
            try
            {
                decoded = codec.TryDecodeInto(blob, i, targets);
            }
            catch (FormatException)
            {
                decoded = false;
            }
            if (decoded)
            {
                rows.Add(new OnlineViewRow(eventMicros, version.CreatedMicros, columns.Select(c => c[i].Value).ToArray()));
            }
        }
        return rows;
    }
}
