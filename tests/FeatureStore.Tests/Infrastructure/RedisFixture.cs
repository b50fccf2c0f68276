using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DotNet.Testcontainers.Configurations;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// One real Redis for every integration test, found in this order: <c>FEATURESTORE_TEST_REDIS</c> (a connection
/// string); a Testcontainers container when a Docker engine answers; a <c>redis-server</c> from PATH on a free
/// loopback port with its own temporary folder. With none of them the tests fail and say how to get Redis:
/// integration tests never skip silently.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisContainer? _container;
    private Process? _server;
    private string? _serverDirectory;

    /// <summary>A StackExchange.Redis configuration string for the Redis under test.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Shared by tests that only need a client; tests that test connection handling make their own.</summary>
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    /// <summary>How Redis was provided, for test output.</summary>
    public string Provider { get; private set; } = "";

    /// <summary>Port of the redis-server started by this fixture, when it started one.</summary>
    public int? LocalPort { get; private set; }

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FEATURESTORE_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            ConnectionString = fromEnvironment;
            Provider = "FEATURESTORE_TEST_REDIS";
        }
        else if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            _container = new RedisBuilder("redis:7.4-alpine").Build();
            await _container.StartAsync();
            ConnectionString = _container.GetConnectionString();
            Provider = "Testcontainers";
        }
        else if (FindOnPath("redis-server") is { } redisServer)
        {
            await StartLocalServerAsync(redisServer);
            Provider = $"local redis-server on port {LocalPort}";
        }
        else
        {
            throw new InvalidOperationException(
                "Integration tests need Redis and none was found. Set FEATURESTORE_TEST_REDIS to a connection " +
                "string (e.g. localhost:6379), start a Docker engine, or install redis-server " +
                "(Debian: apt-get install -y redis-server).");
        }

        Connection = await ConnectionMultiplexer.ConnectAsync(WithAdmin(ConnectionString));
        await Connection.GetDatabase().PingAsync();
    }

    /// <summary>A fresh key prefix (project name) so tests sharing one Redis never see each other's keys.</summary>
    public static string UniqueProject(string stem = "t") => $"{stem}_{Guid.NewGuid():N}"[..(stem.Length + 13)];

    /// <summary>Stops the fixture's own redis-server (only when it started one), to test outage handling.</summary>
    public void StopLocalServer()
    {
        if (_server is null)
        {
            throw new InvalidOperationException($"Redis is provided by {Provider}; only a fixture-started redis-server can be stopped.");
        }
        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }
    }

    /// <summary>Starts the fixture's redis-server again on the same port, after <see cref="StopLocalServer"/>.</summary>
    public async Task RestartLocalServerAsync()
    {
        var redisServer = FindOnPath("redis-server") ?? throw new InvalidOperationException("redis-server vanished from PATH.");
        await StartLocalServerAsync(redisServer, LocalPort);
    }

    public bool CanStopAndRestart => _server is not null;

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
        if (_server is not null && !_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        if (_serverDirectory is not null)
        {
            try
            {
                Directory.Delete(_serverDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private async Task StartLocalServerAsync(string redisServer, int? port = null)
    {
        _serverDirectory ??= Directory.CreateTempSubdirectory("featurestore-redis-").FullName;
        LocalPort = port ?? FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(redisServer)
        {
            WorkingDirectory = _serverDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--port", LocalPort.Value.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--dir", _serverDirectory, "--protected-mode", "yes",
                 })
        {
            startInfo.ArgumentList.Add(arg);
        }
        _server = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {redisServer}.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        ConnectionString = $"127.0.0.1:{LocalPort}";

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, LocalPort.Value);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException ex)
            {
                throw new InvalidOperationException(
                    $"redis-server at {redisServer} did not accept connections on 127.0.0.1:{LocalPort} within 15 s.", ex);
            }
        }
    }

    private static string WithAdmin(string connectionString) => connectionString + ",allowAdmin=true,abortConnect=false";

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>Integration tests join this collection to share one Redis.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
