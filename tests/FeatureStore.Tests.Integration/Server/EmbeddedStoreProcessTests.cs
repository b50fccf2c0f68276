using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using FeatureStore.Garnet;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Registry;

namespace FeatureStore.Tests.Server;

/// <summary>
/// The embedded store across processes: a CLI command hosts it and exits, a server started afterwards hosts it and
/// serves what the command wrote; a server started while another process hosts takes over when that one stops; a
/// host that crashes loses nothing it acknowledged. The repositories name no online store, so they get the default.
/// </summary>
[Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
public sealed class EmbeddedStoreProcessTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private readonly TempFolder _folder = new();

    public EmbeddedStoreProcessTests() =>
        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FEATURESTORE_REDIS")),
            "FEATURESTORE_REDIS is set: it would switch these repositories to Redis. Unset it to test the embedded store.");

    public void Dispose() => _folder.Dispose();

    private string Repository => _folder.Combine("repo");

    private EmbeddedStoreSettings Settings => new(Path.Combine(Repository, ".featurestore", "online"));

    private async Task WriteRepositoryAsync()
    {
        Directory.CreateDirectory(Repository);
        await File.WriteAllTextAsync(Path.Combine(Repository, "featurestore.yaml"), $"""
            project: {RedisFixture.UniqueProject("emb")}
            registry: .featurestore/registry
            """);
        await File.WriteAllTextAsync(Path.Combine(Repository, "driver.yaml"), """
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: driver_stats_source
                path: data/driver_stats.parquet
                timestamp_field: event_timestamp
            feature_views:
              - name: driver_hourly_stats
                entities: [driver]
                source: driver_stats_source
                ttl: 1d
                features:
                  - {name: trips, type: int64}
            """);
        DateTimeOffset[] times = [Now.AddHours(-5), Now.AddHours(-4), Now.AddHours(-2), Now.AddHours(-1)];
        await TestParquet.WriteAsync(Path.Combine(Repository, "data", "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 2L, 1L, 3L]),
            new TestColumn("event_timestamp", "TIMESTAMP", times.Select(t => (object?)t.UtcDateTime).ToArray()),
            new TestColumn("trips", "BIGINT", [10L, 20L, 30L, 40L]));
    }

    private static async Task<long?[]> ServedTripsAsync(ServingServer server, params long[] drivers)
    {
        var (status, body) = await server.PostAsync(Lookup(drivers));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("results")[1].GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Null ? (long?)null : v.GetInt64()).ToArray();
    }

    private static object Lookup(params long[] drivers) => new { features = new[] { "driver_hourly_stats:trips" }, entities = new { driver_id = drivers } };

    private Task<ServingServer> StartServerAsync() =>
        ServingServer.StartAsync(["--repo", Repository, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", "--health-probe-ms", "200"]);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Data_materialized_by_one_process_is_served_by_a_server_started_afterwards()
    {
        await WriteRepositoryAsync();
        var apply = await ChildProcess.RunCliAsync(["apply", "--repo", Repository]);
        Assert.True(apply.ExitCode == 0, apply.Error);
        var materialize = await ChildProcess.RunCliAsync(["materialize", "--repo", Repository,
            "--start", Now.AddDays(-1).ToString("O", CultureInfo.InvariantCulture), "--end", Now.ToString("O", CultureInfo.InvariantCulture)]);
        Assert.True(materialize.ExitCode == 0, materialize.Error);
        Assert.StartsWith("driver_hourly_stats: 3 rows (3 written", materialize.Output);
        Assert.False(EmbeddedOnlineStore.Inspect(Settings).IsHosted); // the command ended, and so did its hosting

        await using var server = await StartServerAsync();

        Assert.Equal([30L, 20L, 40L, null], await ServedTripsAsync(server, 1, 2, 3, 4));
        Assert.Equal(Environment.ProcessId, EmbeddedOnlineStore.Inspect(Settings).ProcessId);
    }

    [Fact]
    public async Task Server_started_while_another_process_hosts_takes_over_when_that_process_stops()
    {
        await WriteRepositoryAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("apply", "--repo", Repository)).ExitCode);
        var command = await EmbeddedOnlineStore.OpenAsync(Settings); // stands for a long materialize
        var definitions = (await new FileRegistry(Path.Combine(Repository, ".featurestore", "registry")).GetCurrentAsync())!.Definitions;
        await using (var writer = await command.OpenViewWriterAsync(definitions, definitions.FeatureViews[0], 1))
        {
            await writer.WriteRowAsync([7L], [70L], Now.AddMinutes(-5));
            await writer.FlushAsync();
        }
        await using var server = await StartServerAsync();
        Assert.Equal([70L], await ServedTripsAsync(server, 7));

        await command.DisposeAsync();

        await WaitUntilAsync(() => Task.FromResult(EmbeddedOnlineStore.Inspect(Settings).ProcessId == Environment.ProcessId), "the server hosts");
        await WaitUntilAsync(async () => (await server.PostAsync(Lookup(7))).Status == HttpStatusCode.OK, "the server answers from the store it now hosts");
        Assert.Equal([70L], await ServedTripsAsync(server, 7));
    }

    [Fact]
    public async Task Host_that_is_killed_loses_nothing_it_acknowledged()
    {
        await WriteRepositoryAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("apply", "--repo", Repository)).ExitCode);
        var definitions = (await new FileRegistry(Path.Combine(Repository, ".featurestore", "registry")).GetCurrentAsync())!.Definitions;
        var log = new StringBuilder();
        using var host = ChildProcess.Start(ChildProcess.ServerDll(), ["--repo", Repository, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0"]);
        host.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        host.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            await WaitUntilAsync(() => Task.FromResult(EmbeddedOnlineStore.Inspect(Settings).ProcessId == host.Id || host.HasExited),
                "the server process hosts the store");
            Assert.False(host.HasExited, $"the server exited: {log}");
            await using (var client = await EmbeddedOnlineStore.OpenAsync(Settings))
            {
                Assert.False(client.IsHost);
                await using var writer = await client.OpenViewWriterAsync(definitions, definitions.FeatureViews[0], 1);
                await writer.WriteRowAsync([8L], [80L], Now.AddMinutes(-5));
                await writer.WriteRowAsync([9L], [90L], Now.AddMinutes(-5));
                await writer.FlushAsync();
            }
            // The append-only file is committed as writes arrive; a moment lets the last commit reach the file.
            await Task.Delay(500);
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
        }

        await using var next = await EmbeddedOnlineStore.OpenAsync(Settings);

        Assert.True(next.IsHost);
        var read = await next.ReadAsync(new OnlineReadRequest(definitions, definitions.ResolveReferences(["driver_hourly_stats:trips"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [8L, 9L] }, DateTimeOffset.UtcNow));
        Assert.Equal([80L, 90L], read.Columns[0].Select(v => v.Value));
    }
}
