using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// A redis-server of the test's own on a free loopback port, so outage tests can stop, pause or restart it without
/// disturbing the shared fixture. Killed on dispose.
/// </summary>
internal sealed class ShortLivedRedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("featurestore-redis-own-").FullName;
    private Process? _process;

    private ShortLivedRedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<ShortLivedRedisServer> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new ShortLivedRedisServer(port);
        await server.RestartAsync();
        return server;
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts (again) on the same port, empty.</summary>
    public async Task RestartAsync()
    {
        Kill();
        var startInfo = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            startInfo.ArgumentList.Add(arg);
        }
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }
}
