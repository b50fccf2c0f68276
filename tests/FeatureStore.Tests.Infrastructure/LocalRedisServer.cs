using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// A redis-server on a free loopback port with its own temporary folder: the shared <see cref="RedisFixture"/>
/// runs one, and outage tests run their own so they can stop and restart it without disturbing other tests.
/// </summary>
internal sealed class LocalRedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string _folder;
    private readonly IReadOnlyList<string> _extraArguments;
    private Process? _process;

    private LocalRedisServer(string executable, int port, IReadOnlyList<string> extraArguments)
    {
        _executable = executable;
        Port = port;
        _extraArguments = extraArguments;
        _folder = Directory.CreateTempSubdirectory("featurestore-redis-").FullName;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>False once stopped (or crashed) until restarted.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The redis-server on PATH, or null.</summary>
    public static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts one; <paramref name="extraArguments"/> go to redis-server as given (e.g. --requirepass).</summary>
    public static Task<LocalRedisServer> StartAsync(params string[] extraArguments) => StartAsync(FreePort(), extraArguments);

    /// <summary>Starts one on <paramref name="port"/> (e.g. a cluster node, whose bus port is port + 10000).</summary>
    public static async Task<LocalRedisServer> StartAsync(int port, params string[] extraArguments)
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException(
                "redis-server is not on PATH (Debian: apt-get install -y redis-server).");
        var server = new LocalRedisServer(executable, port, extraArguments);
        await server.RestartAsync();
        return server;
    }

    /// <summary>A loopback port free right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the server (as a crash would) and waits until it is gone.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server (again) on the same port, empty, and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        Stop();
        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder }.Concat(_extraArguments))
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
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
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException(
                    $"redis-server did not accept connections on 127.0.0.1:{Port} within 15 s.", ex);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        return ValueTask.CompletedTask;
    }
}
