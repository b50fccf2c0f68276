using FeatureStore.Core.Definitions;
using FeatureStore.Garnet;
using StackExchange.Redis;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>
/// One embedded online store for every embedded-backend test: hosted by the product's own
/// <see cref="EmbeddedOnlineStore"/> over a temporary folder on a free loopback port, exactly as the first CLI command
/// or server would host it. Servers and CLI runs under test find it through the folder's endpoint file and connect as
/// clients. Needs nothing installed: no redis-server, no Docker.
/// </summary>
public sealed class EmbeddedStoreFixture : IAsyncLifetime, IOnlineBackend
{
    private EmbeddedOnlineStore? _host;

    /// <summary>The store folder (data, endpoint file, host lock).</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory("featurestore-embedded-").FullName;

    public string Name => "embedded";

    public string ConnectionString => $"127.0.0.1:{_host!.Port}";

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public string OnlineStoreYaml => $"""
        online_store:
          type: embedded
          path: "{Folder}"
        """;

    public IReadOnlyList<string> StoreArguments => [];

    public EmbeddedStoreSettings Settings => new(Folder);

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("FEATURESTORE_REDIS") is { Length: > 0 })
        {
            throw new InvalidOperationException(
                "FEATURESTORE_REDIS is set: it switches every repository to that Redis, so the embedded-backend tests would not test " +
                "the embedded store. Unset it to run them (the Redis tests use FEATURESTORE_TEST_REDIS).");
        }
        _host = await EmbeddedOnlineStore.OpenAsync(Settings);
        Assert.True(_host.IsHost);
        Connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true,abortConnect=false");
        await Connection.GetDatabase().PingAsync();
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
