using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using FeatureStore.Client;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;
using Grpc.Core;
using Grpc.Net.Client;

namespace FeatureStore.Tests.Security;

/// <summary>
/// A server configured with <c>redis://user:password@host:port</c> names the store as <c>host:port</c> only: the 503
/// answers (HTTP and gRPC) while the store is down and the server's log never hold the password or
/// <c>user:password</c>; nor does the quickstart script print FEATURESTORE_REDIS with its password.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisUrlSecretTests
{
    private const string User = "fsurluser";
    private const string Password = "Url-Secret-4242";

    [Fact]
    public async Task Store_down_answers_and_the_server_log_name_a_redis_url_as_host_and_port_without_credentials()
    {
        await using var redis = await LocalRedisServer.StartAsync("--user", User, "on", ">" + Password, "~*", "&*", "+@all");
        await using var repository = await ServingRepository.CreateAsync($"{redis.ConnectionString},user={User},password={Password}");
        await repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
        var httpPort = LocalRedisServer.FreePort();
        var grpcPort = LocalRedisServer.FreePort();
        var url = $"redis://{User}:{Password}@{redis.ConnectionString}/0";
        using var server = ExternalCommand.StartInBackground(ExternalCommand.Dotnet,
            [ChildProcess.ServerDll(), "--repo", repository.Folder, "--redis", url, "--store-timeout-ms", "1000", "--health-probe-ms", "200",
             "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--ui-port", "0"]);
        var answers = new StringBuilder();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
            var clock = Stopwatch.StartNew();
            while (!await IsReadyAsync(http))
            {
                Assert.False(server.Process.HasExited, $"The server exited: {server.Log}");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"The server did not become ready: {server.Log}");
                await Task.Delay(200);
            }
            const string Lookup = """{"features": ["driver_profile:name"], "entities": {"driver_id": [1001]}}""";
            using (var before = await http.PostAsync("/get-online-features", new StringContent(Lookup, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            redis.Stop();

            using (var down = await http.PostAsync("/get-online-features", new StringContent(Lookup, Encoding.UTF8, "application/json")))
            {
                var body = await down.Content.ReadAsStringAsync();
                Assert.True(down.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)down.StatusCode}: {body}\n{server.Log}");
                Assert.Contains(redis.ConnectionString, body); // the endpoint, as host:port
                answers.AppendLine(body);
            }
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            using var client = new FeatureStoreClient(channel);
            var grpcError = await Assert.ThrowsAsync<RpcException>(() => client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001)));
            Assert.Equal(StatusCode.Unavailable, grpcError.StatusCode);
            answers.AppendLine(grpcError.Status.Detail).AppendLine(grpcError.Message);
            answers.AppendJoin('\n', grpcError.Trailers.Select(t => $"{t.Key}: {(t.IsBinary ? Convert.ToBase64String(t.ValueBytes) : t.Value)}"));
            foreach (var path in new[] { "/health", "/health/ready", "/metrics" })
            {
                using var page = await http.GetAsync(path);
                answers.AppendLine(await page.Content.ReadAsStringAsync());
            }
            // Let the health probe notice the outage and log it.
            await Task.Delay(1000);
        }
        finally
        {
            server.Process.Kill(entireProcessTree: true);
            await server.Process.WaitForExitAsync();
        }

        var everything = answers + server.Log;
        Assert.Contains("NOT_SERVING", everything);
        Assert.DoesNotContain(Password, everything);
        Assert.DoesNotContain($"{User}:", everything);
        Assert.DoesNotContain("redis://", everything);
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("redis://fsuser:Script-Secret-1@10.0.0.1:6380/0", "10.0.0.1:6380")]
    [InlineData("rediss://:Script-Secret-1@cache.example:6390?x=1", "cache.example:6390")]
    [InlineData("password=Script-Secret-1,10.0.0.1:6379,user=fsuser", "10.0.0.1:6379")]
    [InlineData("10.0.0.1:6379,password=Script-Secret-1", "10.0.0.1:6379")]
    public async Task Quickstart_names_the_redis_from_FEATURESTORE_REDIS_as_host_and_port_only(string setting, string endpoint)
    {
        var script = Path.Combine(RepositoryRoot(), "definitions", "quickstart.sh");
        var lines = await File.ReadAllLinesAsync(script);
        // Every line that expands the variable into output goes through redis_endpoint.
        Assert.All(lines.Where(l => l.Contains("$FEATURESTORE_REDIS", StringComparison.Ordinal) || l.Contains("${FEATURESTORE_REDIS}", StringComparison.Ordinal)),
            line => Assert.Contains("redis_endpoint \"$FEATURESTORE_REDIS\"", line));
        var function = string.Join('\n', lines.SkipWhile(l => !l.StartsWith("redis_endpoint()", StringComparison.Ordinal)).TakeWhile(l => l != "}")) + "\n}";

        var run = await ExternalCommand.RunAsync("bash", ["-c", function + "\nredis_endpoint \"$FEATURESTORE_REDIS\""],
            new Dictionary<string, string> { ["FEATURESTORE_REDIS"] = setting });

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(endpoint, run.Output);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FeatureStore.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No FeatureStore.sln above {AppContext.BaseDirectory}.");
    }
}
