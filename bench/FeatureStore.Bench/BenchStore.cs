using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Garnet;
using StackExchange.Redis;

namespace FeatureStore.Bench;

/// <summary>
/// The online store a benchmark measures: <c>redis</c> (<see cref="BenchRedis"/>: FEATURESTORE_BENCH_REDIS or an own
/// redis-server) or <c>embedded</c> (Garnet hosted by this process over a folder of the benchmark's own, exactly as the
/// first CLI command would host it; commands and servers the benchmark starts find it through the folder).
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    public const string Redis = "redis";
    public const string Embedded = "embedded";

    private readonly BenchRedis? _redis;
    private EmbeddedOnlineStore? _embedded;

    private BenchStore(string backend, BenchRedis? redis, EmbeddedOnlineStore? embedded, EmbeddedStoreSettings? settings)
    {
        Backend = backend;
        _redis = redis;
        _embedded = embedded;
        Settings = settings;
        ConnectionString = redis?.ConnectionString ?? $"127.0.0.1:{embedded!.Port}";
    }

    /// <summary><see cref="Redis"/> or <see cref="Embedded"/>.</summary>
    public string Backend { get; }

    public string ConnectionString { get; }

    /// <summary>The embedded store's folder and port; null for Redis.</summary>
    public EmbeddedStoreSettings? Settings { get; }

    public string Description => _redis is not null
        ? _redis.Description
        : $"embedded store (Garnet) hosted by this process at {ConnectionString}, data in {Settings!.Path}";

    /// <summary>The <c>online_store:</c> section of the benchmark repository's <c>featurestore.yaml</c>.</summary>
    public string OnlineStoreYaml => _redis is not null
        ? $"""
          online_store:
            type: redis
            connection_string: "{ConnectionString}"
          """
        : $"""
          online_store:
            type: embedded
            path: "{Settings!.Path}"
          """;

    /// <summary>The backends named by <c>--backend</c> (comma-separated; default redis).</summary>
    public static string[] Parse(string[] args)
    {
        var backends = (BenchOptions.String(args, "--backend") ?? Redis).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var backend in backends)
        {
            if (backend is not (Redis or Embedded))
            {
                throw new ArgumentException($"--backend takes {Redis}, {Embedded} or both separated by a comma, not '{backend}'.");
            }
        }
        return backends;
    }

    public static async Task<BenchStore> StartAsync(string folder, string backend)
    {
        if (backend == Redis)
        {
            return new BenchStore(backend, await BenchRedis.StartAsync(folder), null, null);
        }
        var settings = new EmbeddedStoreSettings(Path.Combine(folder, "online"));
        return new BenchStore(backend, null, await EmbeddedOnlineStore.OpenAsync(settings), settings);
    }

    /// <summary>redis-server's own CPU seconds (INFO cpu); null for the embedded store, which runs in this process.</summary>
    public async Task<double?> ServerCpuSecondsAsync(ConnectionMultiplexer connection)
    {
        if (_redis is null)
        {
            return null;
        }
        var info = (await connection.GetServers().First().InfoAsync("cpu")).SelectMany(g => g).ToArray();
        double Read(string name) => double.Parse(info.First(p => p.Key == name).Value, CultureInfo.InvariantCulture);
        return Read("used_cpu_user") + Read("used_cpu_sys");
    }

    /// <summary>Redis's used_memory; null for Garnet, whose INFO has no comparable figure (see the folder size instead).</summary>
    public async Task<long?> UsedMemoryAsync(ConnectionMultiplexer connection)
    {
        if (_redis is null)
        {
            return null;
        }
        var info = await connection.GetServers().First().InfoAsync("memory");
        return long.Parse(info.SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Embedded only: stops hosting here (checkpoint, as a CLI command does at exit) and returns how long that took,
    /// so that a server started next hosts the store, as it would after a materialization.
    /// </summary>
    public async Task<TimeSpan> ReleaseHostingAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_embedded is { } embedded)
        {
            _embedded = null;
            await embedded.DisposeAsync();
        }
        return clock.Elapsed;
    }

    /// <summary>Embedded only: hosts the store here again (recovering its data) and returns how long that took.</summary>
    public async Task<TimeSpan> HostAgainAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _embedded ??= await EmbeddedOnlineStore.OpenAsync(Settings!);
        return clock.Elapsed;
    }

    /// <summary>Bytes under the embedded store's folder (data, checkpoints, append-only file); null for Redis.</summary>
    public long? FolderBytes() => Settings is null
        ? null
        : new DirectoryInfo(Settings.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
