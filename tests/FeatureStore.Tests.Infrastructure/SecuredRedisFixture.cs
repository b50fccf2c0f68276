using StackExchange.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// A redis-server that serves TLS on <see cref="TlsEndpoint"/> with a certificate from <see cref="Certificates"/>
/// (made by the test), whose default user needs a password, and where tests create ACL users limited to one
/// project's keys. The plain port stays open for the test's admin connection only.
/// </summary>
public sealed class SecuredRedisFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-Secret-4711";

    private LocalRedisServer? _server;

    public string Folder { get; } = Directory.CreateTempSubdirectory("featurestore-tls-").FullName;

    internal TestCertificates Certificates { get; private set; } = null!;

    public int TlsPort { get; private set; }

    public string TlsEndpoint => $"127.0.0.1:{TlsPort}";

    public ConnectionMultiplexer Admin { get; private set; } = null!;

    public IServer AdminServer => Admin.GetServers().Single();

    public async Task InitializeAsync()
    {
        Certificates = TestCertificates.Create(Folder);
        TlsPort = LocalRedisServer.FreePort();
        _server = await LocalRedisServer.StartAsync(
            "--tls-port", TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert-file", Certificates.ServerCertificateFile, "--tls-key-file", Certificates.ServerKeyFile,
            "--tls-ca-cert-file", Certificates.CaFile, "--tls-auth-clients", "no", "--requirepass", AdminPassword);
        Admin = await ConnectionMultiplexer.ConnectAsync($"{_server.ConnectionString},password={AdminPassword},allowAdmin=true");
    }

    /// <summary>
    /// Creates an ACL user that may touch only <c>fs:{&lt;project&gt;*</c> keys and run only <paramref name="commands"/>;
    /// returns its password.
    /// </summary>
    public async Task<string> CreateUserAsync(string user, string project, IEnumerable<string> commands)
    {
        var password = $"user-Secret-{Guid.NewGuid():N}";
        // CLIENT SETINFO arrived in Redis 7.2; older servers refuse rules that name it (and clients do without it).
        commands = commands.Where(c => c != "client|setinfo" || AdminServer.Version >= new Version(7, 2));
        object[] arguments = ["SETUSER", user, "reset", "on", ">" + password, $"~fs:{{{project}*", "resetchannels", "-@all", .. commands.Select(c => "+" + c)];
        await AdminServer.ExecuteAsync("ACL", arguments);
        return password;
    }

    /// <summary>The commands (or keys) Redis refused <paramref name="user"/> since the log was last reset.</summary>
    public async Task<string[]> RefusedAsync(string user)
    {
        var entries = (RedisResult[])(await AdminServer.ExecuteAsync("ACL", "LOG"))!;
        return entries.Select(e => e.ToDictionary())
            .Where(e => (string?)e["username"] == user)
            .Select(e => $"{(string?)e["reason"]}:{(string?)e["object"]}")
            .Distinct().ToArray();
    }

    public async Task DisposeAsync()
    {
        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
