using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FeatureStore.Client;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FeatureStore.Tests.Cli;

/// <summary>
/// A user's first steps with the packed and installed <c>featurestore</c> tool, each step a separate process as in a
/// terminal: init, apply, materialize, serve, look up over HTTP, gRPC and the command line, teardown. The online store
/// is the test Redis (FEATURESTORE_REDIS), so what teardown leaves behind can be checked key by key.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class InstalledToolTests(RedisFixture redis, ToolPackages packages, ITestOutputHelper log) : IClassFixture<ToolPackages>, IDisposable
{
    private static readonly string[] Features = ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips"];

    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-first-steps-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void Packages_carry_readme_license_repository_and_the_one_version()
    {
        foreach (var (package, id) in new[] { (packages.ToolPackage, ToolPackages.ToolPackageId), (packages.ClientPackage, ToolPackages.ClientPackageId) })
        {
            var metadata = ToolPackages.Metadata(package);
            string? Value(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal(id, Value("id"));
            Assert.Equal(packages.Version, Value("version"));
            Assert.Equal("MIT", Value("license"));
            Assert.Equal("README.md", Value("readme"));
            Assert.Contains("README.md", ToolPackages.Entries(package));
            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.StartsWith("https://", repository.Attribute("url")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        }
        var tool = ToolPackages.Metadata(packages.ToolPackage);
        Assert.Contains(tool.Descendants(), e => e.Name.LocalName == "packageType" && e.Attribute("name")?.Value == "DotnetTool");
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", ToolPackages.Entries(packages.ToolPackage));
        // The version is the assembly's too: one place sets both.
        var informational = typeof(FeatureStore.Materializer.Cli.CliApplication).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(packages.Version, informational.Split('+')[0]);
    }

    [Fact]
    public async Task Installed_tool_goes_from_init_to_served_features_and_teardown_leaves_no_online_data()
    {
        var clock = Stopwatch.StartNew();
        foreach (var timing in packages.Timings)
        {
            log.WriteLine(timing);
        }
        var folderName = $"first_steps_{Guid.NewGuid():N}"[..24];
        var repo = Path.Combine(_root, folderName);
        var environment = packages.ToolEnvironment(new Dictionary<string, string> { ["FEATURESTORE_REDIS"] = redis.ConnectionString });

        var init = await RunToolAsync(environment, "init", repo, "--template", "driver");
        Assert.Contains($"Created feature repository '{folderName}'", init.Output);
        Assert.Contains("data/driver_stats.parquet", init.Output);
        Assert.Contains($"featurestore apply --repo {repo}", init.Output);
        Assert.Contains($"featurestore serve --repo {repo}", init.Output);
        await RunToolAsync(environment, "apply", "--repo", repo);
        var materialize = await RunToolAsync(environment, "materialize-incremental", "--repo", repo, "--end", "now");
        Assert.Contains("driver_hourly_stats: 100 rows", materialize.Output);
        Assert.True(await ProjectKeyCountAsync(folderName) > 0, "materialize wrote nothing to the test Redis");

        var (httpPort, grpcPort) = (FreePort(), FreePort());
        using (var server = ExternalCommand.StartInBackground(packages.Featurestore,
                   ["serve", "--repo", repo, "--http-port", Text(httpPort), "--grpc-port", Text(grpcPort), "--ui-port", "0"], environment))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilReadyAsync(http, server);
            log.WriteLine($"serving after {clock.Elapsed.TotalSeconds:0.0} s");

            var body = JsonSerializer.Serialize(new { features = Features, entities = new { driver_id = new[] { 1001L, 1002L } } });
            using var answer = await http.PostAsync("/get-online-features", new StringContent(body, Encoding.UTF8, "application/json"));
            var httpJson = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, httpJson);
            using var document = JsonDocument.Parse(httpJson);
            var results = document.RootElement.GetProperty("results");
            Assert.Equal(1 + Features.Length, results.GetArrayLength());
            foreach (var column in results.EnumerateArray().Skip(1))
            {
                Assert.Equal(["PRESENT", "PRESENT"], column.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()));
            }

            using var client = new FeatureStoreClient($"http://127.0.0.1:{grpcPort}");
            var grpc = await client.GetOnlineFeaturesAsync(Features,
                new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1001L, 1002L] });
            for (var row = 0; row < 2; row++)
            {
                foreach (var name in new[] { "conv_rate", "acc_rate", "avg_daily_trips" })
                {
                    Assert.Equal(FieldStatus.Present, grpc.Status(name, row));
                }
                Assert.Equal(results[1].GetProperty("values")[row].GetSingle(), grpc.Get<float>("conv_rate", row));
                Assert.Equal(results[3].GetProperty("values")[row].GetInt64(), grpc.Get<long>("avg_daily_trips", row));
            }

            var lookup = await RunToolAsync(environment, "get-online-features", "--repo", repo, "--features", string.Join(',', Features),
                "--entity", "driver_id=1001", "--entity", "driver_id=1002", "--json");
            Assert.Equal(httpJson, lookup.Output.TrimEnd());
            var table = await RunToolAsync(environment, "get-online-features", "--repo", repo, "--features", string.Join(',', Features),
                "--entity", "driver_id=1001", "--entity", "driver_id=1002");
            Assert.Equal(6, table.Output.Split('\n').Count(line => line.Contains(" PRESENT ", StringComparison.Ordinal)));

            if (!OperatingSystem.IsWindows())
            {
                // SIGTERM (as from Ctrl+C or a service manager) is the server's: it shuts down and exits 0, rather than
                // being cut short by the command-line parser's own two-second termination handling.
                Assert.Equal(0, Kill(server.Process.Id, SigTerm));
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await server.Process.WaitForExitAsync(exited.Token);
                Assert.True(server.Process.ExitCode == 0, $"featurestore serve exited with {server.Process.ExitCode} after SIGTERM:\n{server.Log}");
                Assert.Contains("Application is shutting down", server.Log);
            }
        }

        var refused = await ExternalCommand.RunAsync(packages.Featurestore, ["teardown", "--repo", repo], environment);
        Assert.Equal(1, refused.ExitCode);
        Assert.True(await ProjectKeyCountAsync(folderName) > 0, "teardown without --yes and without an answer deleted data");

        var teardown = await RunToolAsync(environment, "teardown", "--repo", repo, "--yes");
        Assert.Contains($"of project '{folderName}'", teardown.Output);
        Assert.Equal(0, await ProjectKeyCountAsync(folderName));
        Assert.True(Directory.Exists(Path.Combine(repo, ".featurestore", "registry")), "teardown touched the registry");
        Assert.True(File.Exists(Path.Combine(repo, "data", "driver_stats.parquet")), "teardown touched the offline data");
        log.WriteLine($"first steps (after packing and installing): {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task<ExternalCommand.Result> RunToolAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var result = await ExternalCommand.RunAsync(packages.Featurestore, args, environment);
        log.WriteLine($"featurestore {args[0]}: {result.Elapsed.TotalSeconds:0.0} s");
        Assert.True(result.ExitCode == 0, $"featurestore {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>Keys of the project in the test Redis: its entity hashes, view list and locks, on every primary.</summary>
    private async Task<int> ProjectKeyCountAsync(string project)
    {
        var count = 0;
        foreach (var server in redis.Connection.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var _ in server.KeysAsync(pattern: $"fs:{{{project}*"))
            {
                count++;
            }
        }
        return count;
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, ExternalCommand.BackgroundProcess server)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.Process.HasExited, $"featurestore serve exited with {(server.Process.HasExited ? server.Process.ExitCode : 0)}:\n{server.Log}");
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"featurestore serve was not ready within 90 s:\n{server.Log}");
            await Task.Delay(200);
        }
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
