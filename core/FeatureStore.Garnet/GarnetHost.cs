using System.Net;
using System.Net.Sockets;
using FeatureStore.Core.Errors;
using Garnet;
using Garnet.server;
using Garnet.server.Auth.Settings;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Tsavorite.core;

namespace FeatureStore.Garnet;

/// <summary>
/// Garnet running in this process on one loopback port over one store folder: Lua on (the online store's writes are
/// scripts), no password (loopback only), records tiered to <c>log/</c> so data may outgrow memory, and durability by
/// checkpoint plus append-only file under <c>checkpoints/</c>. Start recovers the last checkpoint and replays the AOF
/// after it, so a host that died still loses nothing it had committed; a host that ends cleanly checkpoints first,
/// which keeps the AOF short and the next start fast. Only the holder of the folder's <see cref="HostLock"/> creates one.
/// </summary>
internal sealed class GarnetHost : IAsyncDisposable
{
    /// <summary>A long-lived host (the server) checkpoints this often, bounding AOF growth and recovery time.</summary>
    private const int CheckpointEverySeconds = 300;

    private readonly GarnetServer _server;
    private readonly ILogger _logger;
    private int _disposed;

    private GarnetHost(GarnetServer server, string folder, int port, ILogger logger)
    {
        _server = server;
        Folder = folder;
        Port = port;
        _logger = logger;
    }

    public string Folder { get; }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>
    /// Opens the folder's data (recovering it) and listens on 127.0.0.1:<paramref name="port"/>. A port already in
    /// use is a <see cref="PortInUseException"/>; data Garnet cannot open is a <see cref="StoreUnavailableException"/>.
    /// </summary>
    public static GarnetHost Start(string folder, int port, ILoggerFactory loggerFactory)
    {
        // Garnet binds only after it recovered the data; a taken port is found before paying for that.
        ThrowIfPortTaken(port);
        var logger = loggerFactory.CreateLogger<GarnetHost>();
        var garnetLogs = new GarnetLoggerFactory(loggerFactory);
        var options = new GarnetServerOptions(garnetLogs.CreateLogger("Options"))
        {
            EndPoints = [new IPEndPoint(IPAddress.Loopback, port)],
            EnableLua = true,
            LuaOptions = new LuaOptions(garnetLogs.CreateLogger("Lua")),
            AuthSettings = new NoAuthSettings(),
            // The managed device: the native one needs libaio, which macOS, Windows and many Linux images lack.
            DeviceType = DeviceType.RandomAccess,
            EnableStorageTier = true,
            LogDir = Path.Combine(folder, "log"),
            CheckpointDir = Path.Combine(folder, "checkpoints"),
            EnableAOF = true,
            Recover = true,
            CheckpointFrequencySecs = CheckpointEverySeconds,
            // Keys past their expiry read as absent anyway; the scan frees their memory.
            ExpiredKeyDeletionScanFrequencySecs = CheckpointEverySeconds,
            // Every full checkpoint writes the whole index: a small one keeps a development store's folder small.
            IndexMemorySize = "16m",
            QuietMode = true,
        };
        GarnetServer server;
        try
        {
            Directory.CreateDirectory(options.LogDir);
            Directory.CreateDirectory(options.CheckpointDir);
            server = new GarnetServer(options, garnetLogs);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StoreUnavailableException($"Could not open the embedded online store's data in {folder}: {ex.Message}", ex);
        }
        try
        {
            server.Start();
        }
        catch (Exception ex) when (FindSocketError(ex) is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            server.Dispose(deleteDir: false);
            throw new PortInUseException(port, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            server.Dispose(deleteDir: false);
            throw new StoreUnavailableException($"Could not start the embedded online store over {folder}: {ex.Message}", ex);
        }
        return new GarnetHost(server, folder, port, logger);
    }

    /// <summary>
    /// Takes a checkpoint (SAVE) and commits the AOF, so that everything acknowledged so far is recovered from the
    /// checkpoint rather than replayed.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        var admin = new ConfigurationOptions
        {
            EndPoints = { EndPoint },
            AllowAdmin = true,
            ClientName = "featurestore-embedded-host",
            ConnectTimeout = 5000,
            // A checkpoint of a large store takes a while; it runs once per hosting, at the end.
            AsyncTimeout = (int)TimeSpan.FromMinutes(10).TotalMilliseconds,
            SyncTimeout = (int)TimeSpan.FromMinutes(10).TotalMilliseconds,
        };
        await using var connection = await ConnectionMultiplexer.ConnectAsync(admin).WaitAsync(cancellationToken).ConfigureAwait(false);
        // SAVE answers once the checkpoint is on disk (BGSAVE would not say when).
        await connection.GetServer(EndPoint).ExecuteAsync("SAVE").WaitAsync(cancellationToken).ConfigureAwait(false);
        await _server.Store.CommitAOFAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checkpoints (best effort: the AOF still holds what a failed checkpoint missed), then stops Garnet.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException or global::Garnet.common.GarnetException)
        {
            _logger.LogWarning("Could not checkpoint the embedded online store in {Folder} before stopping ({Error}); the next host replays its append-only file instead.",
                Folder, ex.Message);
        }
        _server.Dispose(deleteDir: false);
    }

    private static void ThrowIfPortTaken(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new PortInUseException(port, ex);
        }
    }

    private static SocketError? FindSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }
        return null;
    }
}
