using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Garnet;

/// <summary>
/// The embedded online store as one process sees it: the same <see cref="RedisOnlineStore"/> code, connected over
/// loopback to a Garnet that some process on this machine hosts over the store folder.
/// <para>
/// Hosting: the first process that needs the store takes the folder's <see cref="HostLock"/>, starts Garnet
/// (<see cref="GarnetHost"/>, recovering the data) and records its endpoint (<see cref="HostEndpoint"/>). Every other
/// process finds the lock taken, reads the endpoint and connects to it as to any Redis. Two processes never host one
/// folder, because only the lock holder starts Garnet, and the operating system frees the lock of a process that dies,
/// so a stale endpoint file is recognised by the free lock (and by its process id) rather than by a failed connect.
/// </para>
/// <para>
/// Hand-over: a host that is done (its command ended, the server stopped) checkpoints, stops Garnet and releases the
/// lock. Every process still using the store watches the lock once a second; the first to get it hosts on the same
/// port, so everyone's connections come back by themselves. That is how a server started while a CLI command hosts
/// takes over when the command ends, and how a CLI command finishes when the server it used stops.
/// </para>
/// </summary>
public sealed class EmbeddedOnlineStore : IOnlineStoreConnection
{
    /// <summary>How long to wait for a process that holds the lock to start answering (it may be recovering data).</summary>
    public static readonly TimeSpan HostWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan SupervisionInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a host waits for the previous host's port (its listener may still be closing).</summary>
    private static readonly TimeSpan SamePortWait = TimeSpan.FromSeconds(3);

    private readonly RedisOnlineStoreOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RedisOnlineStore> _retired = [];
    private HostLock? _lock;
    private GarnetHost? _host;
    private RedisOnlineStore? _client;
    private int _clientPort;
    private Task _supervision = Task.CompletedTask;
    private string? _lastProblem;
    private int _disposed;

    private EmbeddedOnlineStore(EmbeddedStoreSettings settings, RedisOnlineStoreOptions options, ILoggerFactory loggerFactory)
    {
        Settings = settings;
        _options = options;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<EmbeddedOnlineStore>();
    }

    public EmbeddedStoreSettings Settings { get; }

    /// <summary>The folder holding the data, the endpoint file and the host lock.</summary>
    public string Folder => Settings.Path;

    /// <summary>Whether this process hosts Garnet now (it may start to, when the host it used goes away).</summary>
    public bool IsHost => Volatile.Read(ref _host) is not null;

    /// <summary>The loopback port this process talks to, 0 before it found a host.</summary>
    public int Port => Volatile.Read(ref _clientPort);

    /// <summary>The client this process reads and writes through; throws while no host is known.</summary>
    public RedisOnlineStore Client => Volatile.Read(ref _client)
        ?? throw new StoreUnavailableException($"The embedded online store in {Folder} has no host yet; this process keeps trying to host it or find its host.");

    public string Description => Port == 0
        ? $"embedded store (Garnet) with data in {Folder}, no host yet"
        : $"embedded store (Garnet) at 127.0.0.1:{Port} with data in {Folder}";

    /// <summary>
    /// Hosts the store or finds its host, waiting up to <see cref="HostWait"/> for a host that is starting. Failures
    /// throw: a configured port taken by another program is a <see cref="UserInputException"/>, a host that never
    /// answers or data Garnet cannot open a <see cref="StoreUnavailableException"/>.
    /// </summary>
    public static async Task<EmbeddedOnlineStore> OpenAsync(
        EmbeddedStoreSettings settings, RedisOnlineStoreOptions? options = null, ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var store = new EmbeddedOnlineStore(settings, options ?? new RedisOnlineStoreOptions(), loggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await store.AttachAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        store.StartSupervision();
        return store;
    }

    /// <summary>
    /// For a long-running host process (the server): like <see cref="OpenAsync"/>, but a store that cannot be hosted
    /// or reached now is logged and retried once a second instead of failing, as an unreachable Redis would be; until
    /// then every operation throws <see cref="StoreUnavailableException"/> and health reports it. Blocks while it
    /// attaches, because a dependency-injection factory is synchronous; that happens once, at startup.
    /// </summary>
    public static EmbeddedOnlineStore Attach(EmbeddedStoreSettings settings, RedisOnlineStoreOptions options, ILoggerFactory loggerFactory)
    {
        var store = new EmbeddedOnlineStore(settings, options, loggerFactory);
        try
        {
            store.AttachAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is UserInputException or StoreUnavailableException)
        {
            store.Report(ex.Message);
        }
        store.StartSupervision();
        return store;
    }

    /// <summary>What a folder's store is doing now, without hosting it or connecting (for <c>featurestore status</c>).</summary>
    public static EmbeddedStoreState Inspect(EmbeddedStoreSettings settings)
    {
        if (!Directory.Exists(settings.Path) || !HostLock.IsHeld(settings.Path))
        {
            return new EmbeddedStoreState(false, null, null);
        }
        return HostEndpoint.Read(settings.Path) is { } endpoint && endpoint.ProcessRuns()
            ? new EmbeddedStoreState(true, endpoint.Port, endpoint.ProcessId)
            : new EmbeddedStoreState(true, null, null);
    }

    private async Task AttachAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"The embedded online store's folder {Folder} (online_store.path) cannot be created: {ex.Message}", ex);
        }
        var clock = Stopwatch.StartNew();
        while (!await TryAttachAsync(cancellationToken).ConfigureAwait(false))
        {
            if (clock.Elapsed > HostWait)
            {
                var recorded = HostEndpoint.Read(Folder);
                throw new StoreUnavailableException(recorded is not null && recorded.ProcessRuns()
                    ? $"The embedded online store in {Folder} is hosted by process {recorded.ProcessId}, which has not answered at 127.0.0.1:{recorded.Port} for {HostWait.TotalSeconds:0} s."
                    : $"Another process holds the embedded online store in {Folder} (its {HostLock.FileName}) but has not recorded where it listens for {HostWait.TotalSeconds:0} s.");
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One step towards using the store: host it when the lock is free, else find the recorded host, and (re)connect
    /// the client when the host's port is not the one it talks to. False while a host holds the lock but cannot be
    /// reached yet.
    /// </summary>
    private async Task<bool> TryAttachAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int port;
            if (_host is { } host)
            {
                port = host.Port;
            }
            else if (HostLock.TryAcquire(Folder) is { } acquired)
            {
                try
                {
                    var started = await StartHostAsync(cancellationToken).ConfigureAwait(false);
                    new HostEndpoint(started.Port, Environment.ProcessId, DateTimeOffset.UtcNow).Write(Folder);
                    _lock = acquired;
                    Volatile.Write(ref _host, started);
                    port = started.Port;
                }
                catch
                {
                    acquired.Dispose();
                    throw;
                }
            }
            else
            {
                var recorded = HostEndpoint.Read(Folder);
                if (recorded is null || !recorded.ProcessRuns())
                {
                    return false;
                }
                var connected = recorded.Port == _clientPort && _client is { IsConnected: true };
                if (!connected && !await AnswersAsync(recorded.Port, cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }
                port = recorded.Port;
            }

            if (_client is null || _clientPort != port)
            {
                var client = await RedisOnlineStore.ConnectAsync(
                    $"127.0.0.1:{port}", _options, _loggerFactory.CreateLogger<RedisOnlineStore>(), cancellationToken).ConfigureAwait(false);
                if (_client is { } previous)
                {
                    // Operations may still run on it; it is closed with this store.
                    _retired.Add(previous);
                    _logger.LogWarning("The embedded online store in {Folder} moved from 127.0.0.1:{Old} to 127.0.0.1:{New}.", Folder, _clientPort, port);
                }
                Volatile.Write(ref _client, client);
                Volatile.Write(ref _clientPort, port);
            }
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts Garnet on the configured port; without one, on the port of the previous host (so clients reconnect by
    /// themselves), and only when that stays taken on a free one.
    /// </summary>
    private async Task<GarnetHost> StartHostAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var previous = HostEndpoint.Read(Folder)?.Port;
        var wanted = Settings.Port != 0 ? Settings.Port : _clientPort != 0 ? _clientPort : previous;
        GarnetHost host;
        if (wanted is { } port and > 0)
        {
            var sameUntil = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    host = GarnetHost.Start(Folder, port, _loggerFactory);
                    break;
                }
                catch (PortInUseException) when (sameUntil.Elapsed < SamePortWait)
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
                catch (PortInUseException ex) when (Settings.Port != 0)
                {
                    throw new UserInputException(
                        $"online_store.port {port}: 127.0.0.1:{port} is in use by another program, so the embedded store cannot listen there; choose another port, or 0 for a free one.", ex);
                }
                catch (PortInUseException)
                {
                    host = StartOnFreePort();
                    break;
                }
            }
        }
        else
        {
            host = StartOnFreePort();
        }
        _logger.LogInformation("Hosting the embedded online store at 127.0.0.1:{Port} with data in {Folder} (opened in {Milliseconds} ms).",
            host.Port, Folder, clock.ElapsedMilliseconds);
        return host;
    }

    /// <summary>A port the OS just handed out is almost always still free a moment later; a few tries cover the rest.</summary>
    private GarnetHost StartOnFreePort()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return GarnetHost.Start(Folder, FreeLoopbackPort(), _loggerFactory);
            }
            catch (PortInUseException) when (attempt < 5)
            {
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void StartSupervision() => _supervision = SuperviseAsync(_stop.Token);

    /// <summary>
    /// Once a second while this process does not host: take over when the lock is free (the host is gone), and
    /// follow the host when the connection is down and the recorded endpoint changed.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SupervisionInterval);
        try
        {
            while (!IsHost && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _client) is { IsConnected: true } && HostLock.IsHeld(Folder))
                {
                    continue;
                }
                try
                {
                    var wasHost = IsHost;
                    if (await TryAttachAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!wasHost && IsHost)
                        {
                            _logger.LogInformation("Took over hosting the embedded online store in {Folder}: the process that hosted it stopped.", Folder);
                        }
                        _lastProblem = null;
                    }
                }
                catch (Exception ex) when (ex is UserInputException or StoreUnavailableException)
                {
                    Report(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>Logs a hosting problem once, not once a second while it lasts.</summary>
    private void Report(string problem)
    {
        if (problem != _lastProblem)
        {
            _lastProblem = problem;
            _logger.LogError("{Problem} Retrying every {Seconds} s.", problem, SupervisionInterval.TotalSeconds);
        }
    }

    public Task<OnlineReadResult> ReadAsync(OnlineReadRequest request, CancellationToken cancellationToken = default) =>
        Client.ReadAsync(request, cancellationToken);

    public Task<IOnlineViewWriter> OpenViewWriterAsync(
        DefinitionSet definitions, FeatureViewDefinition view, long registryVersion, CancellationToken cancellationToken = default) =>
        Client.OpenViewWriterAsync(definitions, view, registryVersion, cancellationToken);

    public Task<IReadOnlyList<string>> RemoveStaleViewsAsync(DefinitionSet current, long registryVersion, CancellationToken cancellationToken = default) =>
        Client.RemoveStaleViewsAsync(current, registryVersion, cancellationToken);

    public Task<long> RemoveProjectAsync(string project, CancellationToken cancellationToken = default) =>
        Client.RemoveProjectAsync(project, cancellationToken);

    public Task<IAsyncDisposable> AcquireMaterializationLockAsync(
        string project, string view, MaterializationOptions options, bool wait, CancellationToken cancellationToken = default) =>
        Client.AcquireMaterializationLockAsync(project, view, options, wait, cancellationToken);

    public IAsyncEnumerable<OnlineViewRow> ScanViewAsync(
        DefinitionSet definitions, FeatureViewDefinition view, CancellationToken cancellationToken = default) =>
        Client.ScanViewAsync(definitions, view, cancellationToken);

    public async Task<OnlineStoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _client) is not { } client)
        {
            return new OnlineStoreHealth(false, $"The {Description}: {_lastProblem ?? "not attached"}");
        }
        var health = await client.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return health.IsHealthy
            ? health with { Description = $"The {Description} answers" }
            : health with { Description = $"The {Description} is unreachable{Reason(health.Description)}" };
    }

    private static string Reason(string description)
    {
        var colon = description.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? "" : description[colon..];
    }

    /// <summary>
    /// Closes this process's connections, then, when it hosts, checkpoints, stops Garnet and releases the lock for
    /// the next process.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _supervision.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var retired in _retired)
            {
                await retired.DisposeAsync().ConfigureAwait(false);
            }
            if (_client is { } client)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
            if (_host is { } host)
            {
                await host.DisposeAsync().ConfigureAwait(false);
                Volatile.Write(ref _host, null);
            }
            _lock?.Dispose();
            _lock = null;
        }
        finally
        {
            _gate.Release();
        }
        _stop.Dispose();
    }
}
