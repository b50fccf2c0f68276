using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// A Redis Cluster of local redis-server processes: primaries with replicas on free loopback ports below 55536 (each
/// node's cluster bus listens on its port + 10000), joined by <c>redis-cli --cluster create</c>, returned once every
/// node reports <c>cluster_state:ok</c>, every replica is in sync with its primary and all nodes agree on the slots.
/// Shards fail independently (<c>cluster-require-full-coverage no</c>: a shard without a primary does not stop the
/// others) and a replica always may take over (<c>cluster-replica-validity-factor 0</c>).
/// </summary>
internal sealed class LocalRedisCluster : IAsyncDisposable
{
    private readonly List<LocalRedisServer> _nodes;

    private LocalRedisCluster(List<LocalRedisServer> nodes, int primaries)
    {
        _nodes = nodes;
        ConnectionString = string.Join(",", nodes.Take(primaries).Select(n => n.ConnectionString));
    }

    /// <summary>The nodes created as primaries, listed: the client finds the replicas (and later changes) itself.</summary>
    public string ConnectionString { get; }

    public IReadOnlyList<LocalRedisServer> Nodes => _nodes;

    public LocalRedisServer Node(int port) => _nodes.Single(n => n.Port == port);

    /// <summary>
    /// Starts the nodes and creates the cluster. <paramref name="nodeTimeout"/> is how long a node may not answer
    /// before the others fail it over: short for failover tests, long enough elsewhere that a busy machine does not
    /// trigger one.
    /// </summary>
    public static async Task<LocalRedisCluster> StartAsync(int primaries, int replicasPerPrimary, TimeSpan nodeTimeout)
    {
        var redisCli = FindRedisCli();
        var count = primaries * (1 + replicasPerPrimary);
        var nodes = new List<LocalRedisServer>();
        try
        {
            foreach (var port in ClusterPorts(count))
            {
                nodes.Add(await LocalRedisServer.StartAsync(port,
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", ((int)nodeTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--cluster-require-full-coverage", "no", "--cluster-replica-validity-factor", "0",
                    "--cluster-allow-replica-migration", "no"));
            }
            var create = await RunAsync(redisCli,
                ["--cluster", "create", .. nodes.Select(n => n.ConnectionString), "--cluster-replicas", replicasPerPrimary.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-yes"]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli --cluster create failed (exit {create.ExitCode}): {create.Output}");
            }
            var cluster = new LocalRedisCluster(nodes, primaries);
            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// Waits until every running node sees <c>cluster_state:ok</c> with all slots assigned, every replica's link to
    /// its primary is up, and <c>redis-cli --cluster check</c> finds the nodes agreeing.
    /// </summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var redisCli = FindRedisCli();
        var deadline = Stopwatch.StartNew();
        var problem = "";
        while (deadline.Elapsed < timeout)
        {
            problem = await HealthProblemAsync(redisCli);
            if (problem.Length == 0)
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"The local Redis Cluster did not become healthy within {timeout.TotalSeconds:0} s: {problem}");
    }

    private async Task<string> HealthProblemAsync(string redisCli)
    {
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            var info = (await RunAsync(redisCli, ["-p", node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "cluster", "info"])).Output;
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_assigned:16384", StringComparison.Ordinal))
            {
                return $"node {node.ConnectionString}: {info.Replace('\n', ' ')}";
            }
            var replication = (await RunAsync(redisCli, ["-p", node.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "info", "replication"])).Output;
            if (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal))
            {
                return $"replica {node.ConnectionString} is not in sync yet";
            }
        }
        var check = await RunAsync(redisCli, ["--cluster", "check", _nodes.First(n => n.IsRunning).ConnectionString]);
        return check.ExitCode == 0 && !check.Output.Contains("[ERR]", StringComparison.Ordinal) ? "" : $"cluster check: {check.Output}";
    }

    /// <summary>Runs redis-cli against one node, e.g. <c>cluster nodes</c>; its output.</summary>
    public static async Task<string> CliAsync(int port, params string[] args)
    {
        var result = await RunAsync(FindRedisCli(), ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]);
        return result.Output;
    }

    private static string FindRedisCli() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-cli"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "The Redis Cluster tests need redis-server and redis-cli on PATH (Debian: apt-get install -y redis-server), " +
            "or FEATURESTORE_TEST_REDIS_CLUSTER naming nodes of an existing cluster.");

    /// <summary>Ports free now whose cluster bus port (+10000) is free too, so below 55536.</summary>
    private static List<int> ClusterPorts(int count)
    {
        var ports = new List<int>();
        var random = new Random();
        for (var attempt = 0; ports.Count < count; attempt++)
        {
            if (attempt > 1000)
            {
                throw new InvalidOperationException("Found no free loopback ports for a local Redis Cluster.");
            }
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

    private static async Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
