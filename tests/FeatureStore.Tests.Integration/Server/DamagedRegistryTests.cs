using System.Net;
using FeatureStore.Server;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary>
/// An unreadable registry: at startup the server stops with one line naming the file and exit code 2; while running
/// it keeps serving the last good version and says so in <c>/health/ready</c> (degraded, still 200) and the catalog.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class DamagedRegistryTests(RedisFixture redis)
{
    private static string VersionFile(ServingRepository repository, int number) =>
        Path.Combine(repository.Folder, ".featurestore", "registry", "versions", number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + ".json");

    [Fact]
    public async Task Startup_with_a_truncated_registry_version_is_a_one_line_error_naming_the_file_and_exit_code_2()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        var damaged = VersionFile(repository, 1);
        await File.WriteAllTextAsync(damaged, "{\"format\": 1, \"num");
        using var output = new StringWriter();
        using var error = new StringWriter();

        // A server that starts anyway would run until stopped: the bound turns that into a failure.
        var code = await ServerProgram.RunAsync(
            ["--repo", repository.Folder, "--redis", redis.ConnectionString, "--http-port", "0", "--grpc-port", "0"], output, error)
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        var line = Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.StartsWith("error: Registry version file " + damaged, line);
        Assert.Contains("To recover", line);
        Assert.DoesNotContain("   at ", error.ToString());
    }

    [Fact]
    public async Task A_registry_damaged_while_running_keeps_the_last_good_version_served_and_shows_degraded_in_readiness_and_catalog()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
        await using var server = await repository.StartServerAsync();
        var damaged = VersionFile(repository, 2);

        await File.WriteAllTextAsync(damaged, "{\"format\": 1, \"num");

        var (status, body) = await ReadinessTests.GetAsync(server, "/health/ready");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (body.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString() != "Degraded" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            (status, body) = await ReadinessTests.GetAsync(server, "/health/ready");
        }
        var registry = body.GetProperty("checks").GetProperty("registry");
        Assert.Equal("Degraded", registry.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Contains("serving registry version 1", registry.GetProperty("description").GetString());
        Assert.Contains(damaged, registry.GetProperty("description").GetString());

        var lookup = await server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001));
        Assert.Equal("Ann", lookup["name", 0]);

        using var api = await server.Http.GetAsync("/api/catalog/feature-views");
        var apiText = await api.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var apiJson = System.Text.Json.JsonDocument.Parse(apiText);
        Assert.Equal(1, apiJson.RootElement.GetProperty("registryVersion").GetInt32());
        Assert.Contains(damaged, apiJson.RootElement.GetProperty("registryProblem").GetString());
        Assert.Contains("driver_profile", apiText);

        using var page = await server.Http.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Registry degraded", html);
        Assert.Contains("000002.json", html);

        File.Delete(damaged);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        do
        {
            await Task.Delay(100);
            (status, body) = await ReadinessTests.GetAsync(server, "/health/ready");
        }
        while (body.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString() != "Healthy" && DateTime.UtcNow < deadline);
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("registry").GetProperty("status").GetString());
        Assert.DoesNotContain("Registry degraded", await server.Http.GetStringAsync("/"));
    }
}
