using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FeatureStore.Bench;

/// <summary>
/// The Redis a benchmark measures against: <c>FEATURESTORE_BENCH_REDIS</c> when set, else a redis-server of its own
/// from PATH (loopback, a free port, no persistence), stopped on dispose.
/// </summary>
internal sealed class BenchRedis : IAsyncDisposable
{
    private readonly Process? _server;

    private BenchRedis(string connectionString, Process? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    public string ConnectionString { get; }

    /// <summary>How the Redis was found, for the benchmark's first output line.</summary>
    public string Description => _server is null
        ? $"FEATURESTORE_BENCH_REDIS={ConnectionString}"
        : $"own redis-server at {ConnectionString}";

    public static async Task<BenchRedis> StartAsync(string folder)
    {
        var configured = Environment.GetEnvironmentVariable("FEATURESTORE_BENCH_REDIS");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new BenchRedis(configured, null);
        }
        var executable = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Set FEATURESTORE_BENCH_REDIS or put redis-server on PATH (apt-get install -y redis-server).");
        var port = FreePort();
        var directory = Directory.CreateDirectory(Path.Combine(folder, "redis")).FullName;
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new BenchRedis($"127.0.0.1:{port}", process);
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A loopback port free right now (for redis-server and the serving benchmark's listeners).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills a child process of a benchmark (the own redis-server, the server under test) and waits.</summary>
    public static void Stop(Process? process)
    {
        if (process is null)
        {
            return;
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Stop(_server);
        return ValueTask.CompletedTask;
    }
}
