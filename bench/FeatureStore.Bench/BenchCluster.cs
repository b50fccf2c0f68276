using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FeatureStore.Bench;

/// <summary>
/// The Redis Cluster a benchmark measures against: <c>FEATURESTORE_BENCH_REDIS_CLUSTER</c> (nodes of an existing
/// cluster) when set, else local redis-server processes (primaries, optionally with replicas) on free loopback ports
/// below 55536 (the cluster bus listens on port + 10000), joined with <c>redis-cli --cluster create</c>, no persistence.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<Process> _servers;

    private BenchCluster(string connectionString, List<Process> servers)
    {
        ConnectionString = connectionString;
        _servers = servers;
    }

    public string ConnectionString { get; }

    public string Description => _servers.Count == 0
        ? $"FEATURESTORE_BENCH_REDIS_CLUSTER={ConnectionString}"
        : $"own Redis Cluster of {_servers.Count} redis-server processes, primaries {ConnectionString}";

    public static async Task<BenchCluster> StartAsync(string folder, int primaries, int replicasPerPrimary)
    {
        var configured = Environment.GetEnvironmentVariable("FEATURESTORE_BENCH_REDIS_CLUSTER");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new BenchCluster(configured, []);
        }
        var redisServer = Find("redis-server");
        var redisCli = Find("redis-cli");
        var ports = FreeClusterPorts(primaries * (1 + replicasPerPrimary));
        var servers = new List<Process>();
        var cluster = new BenchCluster(string.Join(",", ports.Take(primaries).Select(p => $"127.0.0.1:{p}")), servers);
        try
        {
            foreach (var port in ports)
            {
                var directory = Directory.CreateDirectory(Path.Combine(folder, $"cluster-{port}")).FullName;
                servers.Add(Start(redisServer, [
                    "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", directory, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "15000",
                ]));
            }
            foreach (var port in ports)
            {
                await WaitForPortAsync(port);
            }
            var create = await RunAsync(redisCli, [
                "--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"),
                "--cluster-replicas", replicasPerPrimary.ToString(CultureInfo.InvariantCulture), "--cluster-yes",
            ]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed: {create.Output}");
            }
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var states = await Task.WhenAll(ports.Select(p => RunAsync(redisCli, ["-p", p.ToString(CultureInfo.InvariantCulture), "cluster", "info"])));
                var check = await RunAsync(redisCli, ["--cluster", "check", $"127.0.0.1:{ports[0]}"]);
                if (states.All(s => s.Output.Contains("cluster_state:ok", StringComparison.Ordinal)) && check.ExitCode == 0)
                {
                    return cluster;
                }
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException("The benchmark's Redis Cluster did not reach cluster_state:ok within 60 s.");
                }
                await Task.Delay(200);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The redis-server process ids, for CPU accounting.</summary>
    public IReadOnlyList<Process> Servers => _servers;

    private static string Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"Set FEATURESTORE_BENCH_REDIS_CLUSTER or put {name} on PATH (apt-get install -y redis-server).");

    private static List<int> FreeClusterPorts(int count)
    {
        var random = new Random();
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = random.Next(20_000, 45_000);
            if (!ports.Contains(port) && IsFree(port) && IsFree(port + 10_000))
            {
                ports.Add(port);
            }
        }
        return ports;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Process Start(string executable, string[] args)
    {
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            BenchRedis.Stop(server);
        }
        return ValueTask.CompletedTask;
    }
}
