using System.Net;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Tests.Server;

public sealed class ServerArgumentsTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    [Fact]
    public void Defaults_are_feasts_http_port_grpc_6570_on_loopback()
    {
        var options = ServerArguments.Parse([], NoEnvironment);

        Assert.Equal(6566, options.HttpPort);
        Assert.Equal(6570, options.GrpcPort);
        Assert.Equal(8888, options.UiPort);
        Assert.Null(options.TlsCertFile);
        Assert.Equal(IPAddress.Loopback, options.BindAddress);
        Assert.Null(options.RedisConnectionString);
        Assert.Equal(10_000, options.MaxEntities);
        Assert.Equal(Path.GetFullPath("."), options.RepositoryPath);
    }

    [Fact]
    public void Environment_overrides_defaults_and_flags_override_environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["FEATURESTORE_HTTP_PORT"] = "7000",
            ["FEATURESTORE_GRPC_PORT"] = "7001",
            ["FEATURESTORE_BIND"] = "0.0.0.0",
            ["FEATURESTORE_REDIS"] = "env-redis:6379",
            ["FEATURESTORE_MAX_ENTITIES"] = "50",
        };

        var fromEnvironment = ServerArguments.Parse([], environment);
        var fromFlags = ServerArguments.Parse(
            ["--http-port", "8000", "--grpc-port=8001", "--bind", "::1", "--redis", "flag-redis:6379", "--max-entities", "5"], environment);

        Assert.Equal((7000, 7001, IPAddress.Any, "env-redis:6379", 50),
            (fromEnvironment.HttpPort, fromEnvironment.GrpcPort, fromEnvironment.BindAddress, fromEnvironment.RedisConnectionString, fromEnvironment.MaxEntities));
        Assert.Equal((8000, 8001, IPAddress.IPv6Loopback, "flag-redis:6379", 5),
            (fromFlags.HttpPort, fromFlags.GrpcPort, fromFlags.BindAddress, fromFlags.RedisConnectionString, fromFlags.MaxEntities));
    }

    [Fact]
    public void Port_zero_is_accepted_so_the_os_picks_one()
    {
        var options = ServerArguments.Parse(["--http-port", "0", "--grpc-port", "0"], NoEnvironment);

        Assert.Equal((0, 0), (options.HttpPort, options.GrpcPort));
    }

    [Theory]
    [InlineData(new[] { "--http-port", "70000" }, "flag --http-port")]
    [InlineData(new[] { "--grpc-port", "abc" }, "flag --grpc-port")]
    [InlineData(new[] { "--bind", "my-host" }, "flag --bind")]
    [InlineData(new[] { "--max-entities", "0" }, "flag --max-entities")]
    [InlineData(new[] { "--port", "1" }, "Unknown flag '--port'")]
    [InlineData(new[] { "--redis" }, "--redis needs a value")]
    [InlineData(new[] { "stray" }, "Unknown argument 'stray'")]
    public void Bad_flags_are_rejected_naming_the_flag(string[] args, string culprit)
    {
        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(args, NoEnvironment));

        Assert.Contains(culprit, error.Message);
    }

    [Fact]
    public void Bad_environment_value_is_rejected_naming_the_variable()
    {
        var error = Assert.Throws<UserInputException>(() =>
            ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_HTTP_PORT"] = "http" }));

        Assert.Contains("environment variable FEATURESTORE_HTTP_PORT", error.Message);
    }

    [Fact]
    public void Ui_port_comes_from_the_flag_or_the_environment_and_zero_picks_a_free_one()
    {
        Assert.Equal(9000, ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_UI_PORT"] = "9000" }).UiPort);
        Assert.Equal(0, ServerArguments.Parse(["--ui-port", "0"], new Dictionary<string, string?> { ["FEATURESTORE_UI_PORT"] = "9000" }).UiPort);
    }

    [Fact]
    public void Two_listeners_on_one_port_are_rejected_naming_the_setting()
    {
        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--ui-port", "6566"], NoEnvironment));
        var fromEnvironment = Assert.Throws<UserInputException>(() =>
            ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_HTTP_PORT"] = "8888" }));

        Assert.Equal("flag --ui-port: 6566 is also the HTTP port (its default); every listener needs a port of its own.", error.Message);
        Assert.Equal("environment variable FEATURESTORE_HTTP_PORT: 8888 is also the UI port (its default); every listener needs a port of its own.", fromEnvironment.Message);
    }
}
