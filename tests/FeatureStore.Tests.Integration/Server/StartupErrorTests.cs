using FeatureStore.Server;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary>The server process's exit: a configuration error is one <c>error:</c> line and exit code 2, without secrets.</summary>
[Collection(RedisCollection.Name)]
public sealed class StartupErrorTests(RedisFixture redis)
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ServerProgram.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Unknown_redis_option_is_a_one_line_error_without_the_password()
    {
        await using var repository = await ServingRepository.CreateAsync(redis.ConnectionString);

        var (code, _, error) = await RunAsync(
            "--repo", repository.Folder, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", "--redis", "127.0.0.1:6379,password=Sup3rSecret,foo=bar");

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("foo", error);
        Assert.DoesNotContain("Sup3rSecret", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task Bad_flag_value_is_exit_code_2()
    {
        var (code, _, error) = await RunAsync("--http-port", "http");

        Assert.Equal(2, code);
        Assert.Equal("error: flag --http-port: 'http' is not a whole number from 0 to 65535.", error.TrimEnd());
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var (code, output, error) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.StartsWith("usage: FeatureStore.Server", output);
        Assert.Equal("", error);
    }
}
