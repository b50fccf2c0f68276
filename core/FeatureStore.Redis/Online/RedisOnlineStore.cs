using System.Diagnostics;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// The Redis online store: one hash per entity key holding every view of that entity set (layout in
/// <see cref="OnlineKeyLayout"/>), values in <see cref="FeatureValueCodec"/> encoding. Reads of N entities x M views
/// are one pipelined round trip; writes go through <see cref="OnlineViewWriter"/> (a compare-and-set script, many
/// keys per call). Works unchanged on a Redis Cluster: every key of a write-script call shares a slot, the view list
/// and locks share the project's slot, reads fan out to the nodes owning their keys, cleanup and script loading visit
/// every primary. Shares one multiplexer; owns it only when created by <see cref="ConnectAsync"/>.
/// </summary>
public sealed class RedisOnlineStore : IOnlineStoreConnection
{
    private readonly bool _ownsConnection;
    private readonly ILogger _logger;
    private readonly ReadPlanCache _plans = new();
    private byte[]? _scriptSha;

    /// <summary>A store over a multiplexer the caller owns (and configured: see <see cref="RedisConnectionFactory"/>).</summary>
    public RedisOnlineStore(IConnectionMultiplexer connection, RedisOnlineStoreOptions? options = null, ILogger? logger = null)
        : this(connection, options ?? new RedisOnlineStoreOptions(), logger ?? NullLogger.Instance, ownsConnection: false)
    {
    }

    private RedisOnlineStore(IConnectionMultiplexer connection, RedisOnlineStoreOptions options, ILogger logger, bool ownsConnection)
    {
        Connection = connection;
        Options = options;
        _logger = logger;
        _ownsConnection = ownsConnection;
        Description = RedisConnectionFactory.Describe(connection);
    }

    internal IConnectionMultiplexer Connection { get; }

    internal RedisOnlineStoreOptions Options { get; }

    internal ILogger Logger => _logger;

    /// <summary>Whether the connection is up now, without a round trip.</summary>
    public bool IsConnected => Connection.IsConnected;

    /// <summary>The endpoints, host:port only (never the password or the rest of the connection string).</summary>
    public string Description { get; }

    /// <summary>
    /// Connects with bounded timeouts and <c>abortConnect=false</c>, so an unreachable Redis does not fail here but
    /// reconnects by itself; operations meanwhile fail with <see cref="StoreUnavailableException"/> within bounds.
    /// A malformed connection string is a <see cref="UserInputException"/> that never repeats the string.
    /// </summary>
    public static async Task<RedisOnlineStore> ConnectAsync(
        string connectionString, RedisOnlineStoreOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisOnlineStoreOptions();
        var configuration = RedisConnectionFactory.Configure(connectionString, options);
        // A first attempt that gives up at once tells a refused login (a configuration error, reported now) from an
        // unreachable server (which the retrying multiplexer below waits out within its bounds).
        configuration.AbortOnConnectFail = true;
        IConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException ex) when (ex.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            throw RedisConnectionFactory.AuthenticationFailed(configuration, ex);
        }
        catch (RedisConnectionException)
        {
            configuration.AbortOnConnectFail = false;
            connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new RedisOnlineStore(connection, options, logger ?? NullLogger.Instance, ownsConnection: true);
    }

    public async Task<OnlineReadResult> ReadAsync(OnlineReadRequest request, CancellationToken cancellationToken = default)
    {
        var plan = OnlineReadPlan.Create(request, _plans.For(request.Definitions));
        var rows = plan.RowCount;
        var sets = plan.EntitySets;
        var replies = new Task<RedisValue[]>[sets.Count][];
        if (rows > 0 && sets.Count > 0)
        {
            if (!Connection.IsConnected)
            {
                // Fail fast: a server answers UNAVAILABLE now rather than queueing requests for a dead Redis.
                throw RedisRetry.Unavailable(Connection, "not connected",
                    new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "not connected", null, CommandStatus.Unknown));
            }
            var database = Connection.GetDatabase();
            var batch = database.CreateBatch();
            var all = new List<Task>(rows * sets.Count);
            for (var s = 0; s < sets.Count; s++)
            {
                var set = sets[s];
                replies[s] = new Task<RedisValue[]>[rows];
                for (var row = 0; row < rows; row++)
                {
                    if (plan.RowKeys[s][row] is { } key)
                    {
                        var task = batch.HashGetAsync(key, set.Fields);
                        replies[s][row] = task;
                        all.Add(task);
                    }
                }
            }
            batch.Execute();
            try
            {
                await AllRepliesAsync(all, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Only replies are awaited here, so whatever they fail with (a connection error, a timeout, a reply the
                // client abandoned as cancelled when the connection dropped) is the store failing, not this request.
                // The pending replies fault later; observe them so nothing is reported as unobserved.
                _ = Task.WhenAll(all).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                if (ex is RedisServerException server && RedisPermissionError.Matches(server))
                {
                    throw RedisPermissionError.Create(Connection, "online read", server, scriptCommands: null);
                }
                throw RedisRetry.Unavailable(Connection, $"the online read did not complete within {Options.CommandTimeout.TotalSeconds:0.#} s", ex);
            }
        }
        return plan.BuildResult(replies, request.ReadTime, _logger);
    }

    /// <summary>
    /// Waits for every reply of a pipelined read, within <see cref="RedisOnlineStoreOptions.CommandTimeout"/>. In a
    /// cluster the batch fans out: each command goes to the node owning its key's slot, and the request is answered
    /// when every node replied. Replies on one connection complete in order, so waiting for the last one is enough
    /// when all went to one server; that saves Task.WhenAll's wake-up per reply (StackExchange.Redis completes each
    /// reply's task on the thread pool). Anything still pending (other nodes) or failed is then awaited as a whole,
    /// within what is left of the timeout, which rethrows the first error: a shard that does not answer makes the
    /// request UNAVAILABLE within the timeout, while requests whose keys live on other shards keep being served.
    /// </summary>
    private async Task AllRepliesAsync(List<Task> replies, CancellationToken cancellationToken)
    {
        if (replies.Count == 0)
        {
            return;
        }
        var started = Stopwatch.GetTimestamp();
        await replies[^1].WaitAsync(Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var reply in replies)
        {
            if (!reply.IsCompletedSuccessfully)
            {
                var left = Options.CommandTimeout - Stopwatch.GetElapsedTime(started);
                await Task.WhenAll(replies).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>
    /// Opens a writer for one view's rows (the materializer's write path). Loads the write script and records the
    /// view's schema fingerprint and <paramref name="registryVersion"/> in the project's view list, so later cleanups
    /// know which fields exist. Refuses (<see cref="UserInputException"/>) when a newer registry version recorded the
    /// view with another schema: this run's bytes would read as NOT_FOUND there, so it must not replace that data.
    /// </summary>
    public async Task<IOnlineViewWriter> OpenViewWriterAsync(
        DefinitionSet definitions, FeatureViewDefinition view, long registryVersion = 0, CancellationToken cancellationToken = default)
    {
        if (!definitions.FeatureViews.Contains(view))
        {
            throw new NotFoundException($"Unknown feature view '{view.Name}'.");
        }
        view.EnsureServedOnline();
        var layout = new OnlineKeyLayout(definitions.Project);
        var keys = layout.ForView(definitions, view);
        var codec = _plans.For(definitions).Codec(view);
        var sha = await LoadScriptAsync(layout, cancellationToken).ConfigureAwait(false);
        var answer = await RunWithRetryAsync(
            _ => Connection.GetDatabase().ScriptEvaluateAsync(ViewRecord.RegisterScript, [layout.ViewsKey],
                [view.Name, registryVersion, codec.Fingerprint]),
            $"record of view '{view.Name}'", cancellationToken, scriptCommands: ViewRecord.RegisterCommands).ConfigureAwait(false);
        if (answer.Resp2Type != ResultType.Integer)
        {
            ViewRecord.TryParse((RedisValue)answer, out var newer);
            throw new UserInputException(
                $"Feature view '{view.Name}' was last materialized by registry version {newer.Version} with another schema; this run " +
                $"uses version {registryVersion}, so its values would not be served. Run materialize again with the current registry.");
        }
        return new OnlineViewWriter(this, layout, keys, codec, LatestRowLayout.For(definitions, view), sha, IsSingleNode());
    }

    /// <summary>
    /// Deletes the online data of views that are no longer served: recorded views that are absent from
    /// <paramref name="current"/>, not online, or whose feature schema changed (old bytes would never decode).
    /// Entries recorded by a registry version newer than <paramref name="registryVersion"/> are left alone: that
    /// version, not this caller's, decides what they are. Returns the names of the views removed. Safe to run repeatedly.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveStaleViewsAsync(
        DefinitionSet current, long registryVersion = 0, CancellationToken cancellationToken = default)
    {
        var layout = new OnlineKeyLayout(current.Project);
        var recorded = await RunWithRetryAsync(
            _ => Connection.GetDatabase().HashGetAllAsync(layout.ViewsKey), "read of the view list", cancellationToken).ConfigureAwait(false);
        var stale = new List<HashEntry>();
        foreach (var entry in recorded)
        {
            var name = (string)entry.Name!;
            if (!ViewRecord.TryParse(entry.Value, out var record))
            {
                _logger.LogWarning("View list entry of {View} is not understood ({Entry}); its data is treated as stale.", name, (string?)entry.Value);
                stale.Add(entry);
                continue;
            }
            if (record.Version > registryVersion)
            {
                _logger.LogDebug("View {View} was recorded by registry version {Recorded}, newer than {Mine}; left alone.", name, record.Version, registryVersion);
                continue;
            }
            var view = current.FeatureViews.FirstOrDefault(v => v.Name == name);
            if (view is null || !view.Online || FeatureValueCodec.ComputeFingerprint(view.Features) != record.Fingerprint)
            {
                stale.Add(entry);
            }
        }
        if (stale.Count == 0)
        {
            return [];
        }
        var names = stale.Select(e => (string)e.Name!).ToArray();
        _logger.LogInformation("Removing online data of views no longer served as defined: {Views}", string.Join(", ", names));
        await RemoveViewFieldsAsync(current.Project, names, cancellationToken).ConfigureAwait(false);
        foreach (var entry in stale)
        {
            // Only if nobody recorded the view again meanwhile (a newer version starting to write it).
            await RunWithRetryAsync(
                _ => Connection.GetDatabase().ScriptEvaluateAsync(ViewRecord.RemoveIfUnchangedScript, [layout.ViewsKey], [entry.Name, entry.Value]),
                "update of the view list", cancellationToken, scriptCommands: ViewRecord.RemoveCommands).ConfigureAwait(false);
        }
        return names;
    }

    /// <summary>
    /// Deletes the fields of <paramref name="views"/> from every entity hash of the project: SCAN by the project's
    /// key pattern on every primary (every shard of a cluster), HDEL in pipelined pages. Hashes left empty disappear.
    /// Returns fields deleted. A shard without a reachable primary fails the whole removal, which a rerun completes.
    /// </summary>
    internal async Task<long> RemoveViewFieldsAsync(string project, IReadOnlyCollection<string> views, CancellationToken cancellationToken = default)
    {
        if (views.Count == 0)
        {
            return 0;
        }
        var layout = new OnlineKeyLayout(project);
        var fields = views.Select(OnlineKeyLayout.ViewField).ToArray();
        return await RunWithRetryAsync(async _ =>
        {
            long deleted = 0;
            var database = Connection.GetDatabase();
            foreach (var server in await PrimariesAsync(layout).ConfigureAwait(false))
            {
                var page = new List<Task<long>>(Options.ScanPageSize);
                await foreach (var key in server.KeysAsync(database.Database, layout.EntityKeyPattern, Options.ScanPageSize)
                                   .WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    page.Add(database.HashDeleteAsync(key, fields));
                    if (page.Count >= Options.ScanPageSize)
                    {
                        deleted += (await Task.WhenAll(page).ConfigureAwait(false)).Sum();
                        page.Clear();
                    }
                }
                deleted += (await Task.WhenAll(page).ConfigureAwait(false)).Sum();
            }
            return deleted;
        }, $"removal of views {string.Join(", ", views)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every value of <paramref name="view"/> held now, one per entity key (see <see cref="OnlineViewScan"/>): SCAN
    /// on every primary by the view's entity-set pattern, values decoded with the view's codec.
    /// </summary>
    public IAsyncEnumerable<OnlineViewRow> ScanViewAsync(
        DefinitionSet definitions, FeatureViewDefinition view, CancellationToken cancellationToken = default)
    {
        if (!definitions.FeatureViews.Contains(view))
        {
            throw new NotFoundException($"Unknown feature view '{view.Name}'.");
        }
        view.EnsureServedOnline();
        var plans = _plans.For(definitions);
        var keys = plans.Keys(view);
        return new OnlineViewScan(this, plans.Codec(view), keys.ScanPattern, view).ReadAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the project's keys: SCAN by the entity key pattern and then by the hash-tagged pattern (view list,
    /// locks) on every primary, DEL one key per command (a cluster takes no multi-key DEL across slots) in pipelined
    /// pages of <see cref="RedisOnlineStoreOptions.ScanPageSize"/>. Entity keys go first, so an interrupted run
    /// leaves the view list for the next one. Returns keys deleted.
    /// </summary>
    public async Task<long> RemoveProjectAsync(string project, CancellationToken cancellationToken = default)
    {
        var layout = new OnlineKeyLayout(project);
        return await RunWithRetryAsync(async _ =>
        {
            long deleted = 0;
            var database = Connection.GetDatabase();
            foreach (var pattern in new[] { layout.EntityKeyPattern, layout.TaggedKeyPattern })
            {
                foreach (var server in Connection.GetServers().Where(s => !s.IsReplica))
                {
                    var page = new List<Task<bool>>(Options.ScanPageSize);
                    await foreach (var key in server.KeysAsync(database.Database, pattern, Options.ScanPageSize)
                                       .WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        page.Add(database.KeyDeleteAsync(key));
                        if (page.Count >= Options.ScanPageSize)
                        {
                            deleted += (await Task.WhenAll(page).ConfigureAwait(false)).Count(d => d);
                            page.Clear();
                        }
                    }
                    deleted += (await Task.WhenAll(page).ConfigureAwait(false)).Count(d => d);
                }
            }
            return deleted;
        }, $"removal of project {project}'s online data", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> AcquireMaterializationLockAsync(
        string project, string view, MaterializationOptions options, bool wait, CancellationToken cancellationToken = default) =>
        await MaterializationLock.AcquireAsync(this, new OnlineKeyLayout(project), view, options, wait, _logger, cancellationToken).ConfigureAwait(false);

    public async Task<OnlineStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Connection.GetDatabase().PingAsync().WaitAsync(Options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return new OnlineStoreHealth(true, $"Redis at {Description} answers", clock.Elapsed);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return new OnlineStoreHealth(false, $"Redis at {Description} is unreachable: {RedisRetry.ShortReason(ex)}");
        }
    }

    internal Task<T> RunWithRetryAsync<T>(
        Func<int, Task<T>> operation, string what, CancellationToken cancellationToken, RetryWarningGate? warnings = null,
        IReadOnlyList<string>? scriptCommands = null) =>
        RedisRetry.RunAsync(Connection, operation, what, Options, _logger, cancellationToken, warnings, scriptCommands);

    /// <summary>
    /// True when every server is a connected standalone node (not a cluster): hash slots then do not constrain which
    /// keys one script call may touch. Unknown (not connected yet) counts as not single, so calls stay slot-safe.
    /// </summary>
    internal bool IsSingleNode()
    {
        var servers = Connection.GetServers();
        return servers.Length > 0 && servers.All(s => s.IsConnected && s.ServerType == ServerType.Standalone);
    }

    /// <summary>
    /// The primaries that hold a project's entity data: the owners of its buckets' slots (the one primary of a single
    /// Redis; every shard of a cluster). Each confirms that it owns the slots the client routes to it, because the
    /// client routes a slot whose primary it cannot reach to another node: then the topology is read again, and while
    /// a slot still has no reachable primary (its replica has not taken over yet) this is a connection error, which
    /// callers retry.
    /// </summary>
    internal async Task<IServer[]> PrimariesAsync(OnlineKeyLayout layout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var routes = layout.BucketKeys.GroupBy(key => Connection.GetServer(key), ServerByEndPoint.Instance).ToArray();
            var misrouted = await Task.WhenAll(routes.Select(route => MisroutedAsync(route.Key, route))).ConfigureAwait(false);
            if (!misrouted.Any(m => m))
            {
                return routes.Select(route => route.Key).ToArray();
            }
            if (attempt == 2)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None,
                    "a primary holding the project's data is unreachable and no replica has taken over its slots yet", null, CommandStatus.Unknown);
            }
            await Connection.ConfigureAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True when <paramref name="server"/> answers MOVED for any of the keys: it does not own their slot.</summary>
    private static async Task<bool> MisroutedAsync(IServer server, IEnumerable<RedisKey> keys)
    {
        var probes = keys.Select(key => server.ExecuteAsync("PTTL", [key], CommandFlags.NoRedirect)).ToArray();
        try
        {
            await Task.WhenAll(probes).ConfigureAwait(false);
            return false;
        }
        catch (RedisServerException)
        {
            return probes.Any(p => p.Exception?.InnerException is RedisServerException { Kind: RedisErrorKind.Moved }
                || p.Exception?.InnerException?.Message.StartsWith("MOVED", StringComparison.Ordinal) == true);
        }
    }

    /// <summary>Groups the client's servers by endpoint.</summary>
    private sealed class ServerByEndPoint : IEqualityComparer<IServer>
    {
        public static readonly ServerByEndPoint Instance = new();

        public bool Equals(IServer? x, IServer? y) => Equals(x?.EndPoint, y?.EndPoint);

        public int GetHashCode(IServer obj) => obj.EndPoint.GetHashCode();
    }

    /// <summary>
    /// Loads the write script on every primary that holds the project's data (once; again after a server lost its
    /// script cache, e.g. a replica that took over).
    /// </summary>
    internal async Task<byte[]> LoadScriptAsync(OnlineKeyLayout layout, CancellationToken cancellationToken, bool reload = false)
    {
        if (_scriptSha is { } known && !reload)
        {
            return known;
        }
        var sha = await RunWithRetryAsync(async _ =>
        {
            var primaries = await PrimariesAsync(layout).ConfigureAwait(false);
            var loaded = await Task.WhenAll(primaries.Select(server => server.ScriptLoadAsync(OnlineWriteScript.Source))).ConfigureAwait(false);
            return loaded[0];
        }, "load of the write script", cancellationToken).ConfigureAwait(false);
        _scriptSha = sha;
        return sha;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
