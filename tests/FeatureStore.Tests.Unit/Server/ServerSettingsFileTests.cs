using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Server;

/// <summary>The optional JSON settings file: lowest precedence, keys checked, problems named with the file.</summary>
public sealed class ServerSettingsFileTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();
    private readonly string _folder = Directory.CreateTempSubdirectory("featurestore-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "server.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Settings_file_is_overridden_by_environment_and_environment_by_flags()
    {
        var file = Write("""{"http_port": 7000, "grpc_port": 7001, "max_entities": 7, "redis": "file-redis:6379", "log_level": "warning"}""");
        var environment = new Dictionary<string, string?> { ["FEATURESTORE_GRPC_PORT"] = "8001", ["FEATURESTORE_MAX_ENTITIES"] = "8" };

        var options = ServerArguments.Parse(["--settings", file, "--max-entities", "9"], environment);

        Assert.Equal((7000, 8001, 9, "file-redis:6379", LogLevel.Warning),
            (options.HttpPort, options.GrpcPort, options.MaxEntities, options.RedisConnectionString, options.LogLevel));
    }

    [Fact]
    public void Settings_file_can_be_named_by_the_environment()
    {
        var file = Write("""{"store_timeout_ms": 750}""");

        var options = ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_SETTINGS"] = file });

        Assert.Equal(TimeSpan.FromMilliseconds(750), options.StoreTimeout);
    }

    [Fact]
    public void Bad_value_in_the_settings_file_names_the_file_and_key()
    {
        var file = Write("""{"http_port": "web"}""");

        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--settings", file], NoEnvironment));

        Assert.Contains($"settings file {file} key 'http_port'", error.Message);
        Assert.Contains("'web' is not a whole number", error.Message);
    }

    [Fact]
    public void Misspelt_key_in_the_settings_file_is_rejected()
    {
        var file = Write("""{"htp_port": 7000}""");

        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--settings", file], NoEnvironment));

        Assert.Contains("unknown key 'htp_port'", error.Message);
        Assert.Contains("http_port", error.Message);
    }

    [Fact]
    public void Missing_or_malformed_settings_file_is_rejected_naming_it()
    {
        var missing = Path.Combine(_folder, "absent.json");
        var malformed = Write("""{"http_port": """);

        var absent = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--settings", missing], NoEnvironment));
        var broken = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--settings", malformed], NoEnvironment));

        Assert.Contains("flag --settings", absent.Message);
        Assert.Contains(missing, absent.Message);
        Assert.Contains($"'{malformed}' is not valid JSON", broken.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_on_one_line()
    {
        var error = Assert.Throws<UserInputException>(() =>
            ServerArguments.Parse(["--http-port", "-1", "--log-level", "loud"], new Dictionary<string, string?> { ["FEATURESTORE_BIND"] = "nowhere" }));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("flag --http-port", error.Message);
        Assert.Contains("flag --log-level", error.Message);
        Assert.Contains("environment variable FEATURESTORE_BIND", error.Message);
    }

    [Fact]
    public void Blank_environment_variables_are_ignored()
    {
        var options = ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_HTTP_PORT"] = " ", ["FEATURESTORE_REDIS"] = "" });

        Assert.Equal(ServerOptions.DefaultHttpPort, options.HttpPort);
        Assert.True(string.IsNullOrEmpty(options.RedisConnectionString));
    }

    [Fact]
    public void Usage_lists_every_flag_with_its_variable_and_the_precedence()
    {
        var usage = ServerArguments.Usage;

        Assert.Contains("--settings", usage);
        Assert.Contains("[env FEATURESTORE_HEALTH_PROBE_MS]", usage);
        Assert.Contains("settings file < environment variables < flags", usage);
        Assert.Contains("/health/ready", usage);
    }
}
