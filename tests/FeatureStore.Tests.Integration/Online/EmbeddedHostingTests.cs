using System.Net;
using System.Net.Sockets;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Garnet;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Registry;

namespace FeatureStore.Tests.Online;

/// <summary>
/// Who hosts the embedded store and what survives a host: each test has a store folder of its own and opens it the
/// way separate processes would (one attachment per process; the host lock is per open, so attachments in one process
/// exclude each other exactly as processes do).
/// </summary>
[Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
public sealed class EmbeddedHostingTests : IDisposable
{
    private static readonly DateTimeOffset T = DateTimeOffset.UtcNow.AddHours(-1);

    private readonly TempFolder _folder = new();

    private EmbeddedStoreSettings Settings => new(_folder.Combine("online"));

    public void Dispose() => _folder.Dispose();

    private static DefinitionSet Definitions(string project) =>
        OnlineTestDefinitions.Set(project, OnlineTestDefinitions.DriverStats(TimeSpan.Zero));

    private static async Task WriteTripsAsync(IOnlineStore store, DefinitionSet definitions, params (long Driver, long Trips)[] rows)
    {
        await using var writer = await store.OpenViewWriterAsync(definitions, definitions.FeatureViews[0], registryVersion: 1);
        foreach (var (driver, trips) in rows)
        {
            await writer.WriteRowAsync([driver], [0.5f, trips], T);
        }
        await writer.FlushAsync();
    }

    private static async Task<object?[]> TripsAsync(IOnlineStore store, DefinitionSet definitions, params long[] drivers)
    {
        var read = await store.ReadAsync(new OnlineReadRequest(definitions, definitions.ResolveReferences(["driver_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = drivers.Cast<object?>().ToArray() }, DateTimeOffset.UtcNow));
        return read.Columns[0].Select(v => v.Value).ToArray();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task First_process_hosts_and_the_next_connects_to_that_host()
    {
        await using var first = await EmbeddedOnlineStore.OpenAsync(Settings);
        await using var second = await EmbeddedOnlineStore.OpenAsync(Settings);

        Assert.True(first.IsHost);
        Assert.False(second.IsHost);
        Assert.Equal(first.Port, second.Port);
        Assert.Equal(new EmbeddedStoreState(true, first.Port, Environment.ProcessId), EmbeddedOnlineStore.Inspect(Settings));
        var definitions = Definitions(RedisFixture.UniqueProject());
        await WriteTripsAsync(second, definitions, (1, 10));
        Assert.Equal([10L], await TripsAsync(first, definitions, 1));
    }

    [Fact]
    public async Task Data_outlives_its_host_and_the_next_host_recovers_it()
    {
        var definitions = Definitions(RedisFixture.UniqueProject());
        int port;
        await using (var host = await EmbeddedOnlineStore.OpenAsync(Settings))
        {
            port = host.Port;
            await WriteTripsAsync(host, definitions, (1, 10), (2, 20));
        }
        Assert.False(EmbeddedOnlineStore.Inspect(Settings).IsHosted);

        await using var next = await EmbeddedOnlineStore.OpenAsync(Settings);

        Assert.True(next.IsHost);
        Assert.Equal(port, next.Port); // a port chosen once stays the store's port
        Assert.Equal([10L, 20L, null], await TripsAsync(next, definitions, 1, 2, 3));
    }

    [Fact]
    public async Task A_process_still_using_the_store_takes_over_hosting_on_the_same_port_when_the_host_stops()
    {
        var definitions = Definitions(RedisFixture.UniqueProject());
        var host = await EmbeddedOnlineStore.OpenAsync(Settings);
        await using var client = await EmbeddedOnlineStore.OpenAsync(Settings);
        await WriteTripsAsync(client, definitions, (1, 10));
        var port = host.Port;

        await host.DisposeAsync();
        await WaitUntilAsync(() => client.IsHost, "the remaining process hosts");

        Assert.Equal(port, client.Port);
        await WaitUntilAsync(() => client.Client.IsConnected, "its connection is back");
        Assert.Equal([10L], await TripsAsync(client, definitions, 1));
        await WriteTripsAsync(client, definitions, (2, 20));
        Assert.Equal([10L, 20L], await TripsAsync(client, definitions, 1, 2));
    }

    [Fact]
    public async Task Endpoint_file_left_by_a_dead_host_is_ignored_and_the_next_process_hosts()
    {
        Directory.CreateDirectory(Settings.Path);
        // A host that died: its record names a process that does not exist and nobody holds the lock.
        await File.WriteAllTextAsync(Path.Combine(Settings.Path, "endpoint.json"),
            $$"""{"port": {{FreePort()}}, "process_id": {{int.MaxValue}}, "since": "2024-01-01T00:00:00+00:00"}""");

        await using var store = await EmbeddedOnlineStore.OpenAsync(Settings);

        Assert.True(store.IsHost);
        Assert.Equal(new EmbeddedStoreState(true, store.Port, Environment.ProcessId), EmbeddedOnlineStore.Inspect(Settings));
        Assert.True((await store.CheckHealthAsync()).IsHealthy);
    }

    [Fact]
    public async Task Configured_port_taken_by_another_program_is_a_clear_error_naming_the_setting()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<UserInputException>(() => EmbeddedOnlineStore.OpenAsync(Settings with { Port = port }));

        Assert.Contains($"online_store.port {port}", error.Message);
        Assert.Contains("in use by another program", error.Message);
        Assert.False(EmbeddedOnlineStore.Inspect(Settings).IsHosted); // the lock was let go
    }

    [Fact]
    public async Task Status_says_which_store_is_in_use_where_its_data_is_and_who_hosts_it()
    {
        var repository = _folder.Combine("repo");
        Directory.CreateDirectory(repository);
        await File.WriteAllTextAsync(Path.Combine(repository, "featurestore.yaml"), $"""
            project: p
            online_store:
              type: embedded
              path: "{Settings.Path}"
            """);

        var idle = await CliRunner.RunAsync("status", "--repo", repository);
        string hosted;
        await using (var host = await EmbeddedOnlineStore.OpenAsync(Settings))
        {
            hosted = (await CliRunner.RunAsync("status", "--repo", repository)).Output;
            Assert.Contains($"hosted by process {Environment.ProcessId} at 127.0.0.1:{host.Port})", hosted);
        }

        Assert.Equal(0, idle.ExitCode);
        Assert.StartsWith($"Online store: embedded (Garnet), data in {Settings.Path} (not running; the next command that needs it hosts it)", idle.Output);
        Assert.StartsWith($"Online store: embedded (Garnet), data in {Settings.Path} (hosted by process", hosted);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
