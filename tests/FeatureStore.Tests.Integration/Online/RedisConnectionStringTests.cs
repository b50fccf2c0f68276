using FeatureStore.Core.Errors;
using FeatureStore.Redis;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Online;

/// <summary>Connection strings and URLs: what they mean, and that no password ever shows in an error.</summary>
public sealed class RedisConnectionStringTests
{
    private const string Secret = "SuperSecret123";

    [Fact]
    public void A_redis_url_gives_user_password_host_port_and_database()
    {
        var configuration = RedisConnectionFactory.Configure($"redis://admin:{Secret}@127.0.0.1:6380/3", new RedisOnlineStoreOptions());

        Assert.Equal("127.0.0.1:6380", RedisConnectionFactory.Describe(configuration));
        Assert.Equal("admin", configuration.User);
        Assert.Equal(Secret, configuration.Password);
        Assert.Equal(3, configuration.DefaultDatabase);
        Assert.False(configuration.Ssl);
    }

    [Fact]
    public void A_rediss_url_means_tls_and_defaults_to_port_6379()
    {
        var configuration = RedisConnectionFactory.Configure("rediss://:p%40ss@redis.example.com", new RedisOnlineStoreOptions());

        Assert.Equal("redis.example.com:6379", RedisConnectionFactory.Describe(configuration));
        Assert.True(configuration.Ssl);
        Assert.Null(configuration.User);
        Assert.Equal("p@ss", configuration.Password);
    }

    [Fact]
    public void A_stackexchange_string_still_works()
    {
        var configuration = RedisConnectionFactory.Configure($"127.0.0.1:6381,password={Secret},ssl=true", new RedisOnlineStoreOptions());

        Assert.Equal("127.0.0.1:6381", RedisConnectionFactory.Describe(configuration));
        Assert.Equal(Secret, configuration.Password);
        Assert.True(configuration.Ssl);
    }

    [Theory]
    [InlineData($"redis://admin:{Secret}@127.0.0.1:6379/zero")]
    [InlineData($"redis://admin:{Secret}@127.0.0.1:6379/0?timeout=5")]
    [InlineData($"127.0.0.1:6379,password={Secret},foo=bar")]
    public void A_malformed_connection_string_is_a_user_error_that_never_shows_the_password(string connectionString)
    {
        var error = Assert.Throws<UserInputException>(() => RedisConnectionFactory.Configure(connectionString, new RedisOnlineStoreOptions()));

        Assert.DoesNotContain(Secret, error.Message);
    }

    [Fact]
    public async Task An_unreachable_redis_url_names_host_and_port_only_on_the_command_line()
    {
        var port = FreePort();
        using var repository = Loading.TestRepository.Create().Write("driver.yaml", Loading.TestRepository.DriverDefinitions);
        await repository.WriteDriverParquetAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("apply", "--repo", repository.Root)).ExitCode);

        var result = await CliRunner.RunAsync("materialize-incremental", "--repo", repository.Root, "--end", "now",
            "--redis", $"redis://admin:{Secret}@127.0.0.1:{port}/0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", result.Error);
        Assert.DoesNotContain(Secret, result.Error + result.Output);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_an_authentication_failure_at_once()
    {
        await using var server = await LocalRedisServer.StartAsync("--requirepass", "right-password");

        // Thrown by the connect itself (before, the connect succeeded and every later command timed out as
        // "not connected" after its retries).
        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            RedisOnlineStore.ConnectAsync($"{server.ConnectionString},password={Secret}"));

        Assert.Contains("authentication failed", error.Message);
        Assert.Contains(server.ConnectionString, error.Message);
        Assert.DoesNotContain(Secret, error.Message);
    }

    [Fact]
    public async Task A_right_password_in_a_url_connects()
    {
        await using var server = await LocalRedisServer.StartAsync("--requirepass", Secret);

        await using var store = await RedisOnlineStore.ConnectAsync($"redis://:{Secret}@{server.ConnectionString}/0");

        Assert.True((await store.CheckHealthAsync()).IsHealthy);
        Assert.Equal(server.ConnectionString, store.Description);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
