using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;

namespace FeatureStore.Tests.Loading;

public sealed class ConfigLoadingTests
{
    private const string ConfigWithVariable = """
        project: p
        online_store:
          type: redis
          connection_string: ${FS_TEST_REDIS:-default-host:6379}
        registry: state/registry
        """;

    [Fact]
    public void Set_variable_is_expanded_in_config_values()
    {
        using var repo = TestRepository.Create(ConfigWithVariable);
        var config = repo.LoadConfig(environment: new Dictionary<string, string> { ["FS_TEST_REDIS"] = "from-env:7000" });
        Assert.Equal("from-env:7000", config.RedisConnectionString);
    }

    [Fact]
    public void Unset_variable_with_default_takes_the_default()
    {
        using var repo = TestRepository.Create(ConfigWithVariable);
        Assert.Equal("default-host:6379", repo.LoadConfig().RedisConnectionString);
    }

    [Fact]
    public void Unset_variable_without_default_is_an_error_naming_file_line_and_variable()
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              connection_string: ${FS_TEST_MISSING}
            """);

        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems);

        Assert.Equal(new SourceLocation("featurestore.yaml", 3, 22), problem.Location);
        Assert.Contains("environment variable 'FS_TEST_MISSING' is not set", problem.Message);
    }

    [Fact]
    public void Expansion_reads_the_real_process_environment_through_the_public_loader()
    {
        var variable = "FS_TEST_" + Guid.NewGuid().ToString("N");
        using var repo = TestRepository.Create($"""
            project: p
            online_store:
              connection_string: ${"{"}{variable}{"}"}
            """);
        Environment.SetEnvironmentVariable(variable, "process-env:6390");
        try
        {
            var config = RepositoryLoader.LoadConfig(repo.Root, new ConfigOverrides(RedisConnectionString: null));
            // FEATURESTORE_REDIS, if the machine sets it, wins over the file; otherwise the expanded value is used.
            var expected = Environment.GetEnvironmentVariable("FEATURESTORE_REDIS") is { Length: > 0 } fromEnvironment ? fromEnvironment : "process-env:6390";
            Assert.Equal(expected, config.RedisConnectionString);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Double_dollar_is_a_literal_dollar()
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              connection_string: "host:6379,password=a$$b"
            """);
        Assert.Equal("host:6379,password=a$b", repo.LoadConfig().RedisConnectionString);
    }

    [Fact]
    public void FEATURESTORE_REDIS_overrides_a_connection_string_hard_coded_in_the_file()
    {
        using var repo = TestRepository.Create();
        var config = repo.LoadConfig(environment: new Dictionary<string, string> { ["FEATURESTORE_REDIS"] = "env-host:6380" });
        Assert.Equal("env-host:6380", config.RedisConnectionString);
    }

    [Fact]
    public void Command_line_overrides_win_over_the_environment()
    {
        using var repo = TestRepository.Create();
        var registry = Path.Combine(repo.Root, "flag-registry");
        var config = repo.LoadConfig(
            new ConfigOverrides("flag-host:6381", registry),
            new Dictionary<string, string> { ["FEATURESTORE_REDIS"] = "env-host:6380", ["FEATURESTORE_REGISTRY"] = Path.Combine(repo.Root, "env-registry") });
        Assert.Equal("flag-host:6381", config.RedisConnectionString);
        Assert.Equal(registry, config.RegistryPath);
    }

    [Fact]
    public void FEATURESTORE_REGISTRY_overrides_the_registry_of_the_file()
    {
        using var repo = TestRepository.Create(ConfigWithVariable);
        var registry = Path.Combine(repo.Root, "env-registry");
        var config = repo.LoadConfig(environment: new Dictionary<string, string> { ["FEATURESTORE_REGISTRY"] = registry });
        Assert.Equal(registry, config.RegistryPath);
    }

    [Fact]
    public void Relative_registry_path_resolves_against_the_repository_folder()
    {
        using var repo = TestRepository.Create(ConfigWithVariable);
        var config = repo.LoadConfig();
        Assert.Equal(repo.Root, config.Root);
        Assert.Equal(Path.Combine(repo.Root, "state", "registry"), config.RegistryPath);
    }

    [Fact]
    public void Registry_defaults_to_dot_featurestore_registry_and_the_online_store_to_the_embedded_one()
    {
        using var repo = TestRepository.Create("project: p");
        var config = repo.LoadConfig();
        Assert.Equal(Path.Combine(repo.Root, ".featurestore", "registry"), config.RegistryPath);
        Assert.Equal(OnlineStoreTypes.Embedded, config.OnlineStoreType);
        Assert.Equal(new EmbeddedStoreSettings(Path.Combine(repo.Root, ".featurestore", "online"), 0), config.EmbeddedStore);
        Assert.Equal("p", config.Project);
    }

    [Fact]
    public void Embedded_store_takes_a_path_relative_to_the_repository_and_a_port()
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              type: embedded
              path: state/online
              port: 6391
            """);
        var config = repo.LoadConfig();
        Assert.Equal(OnlineStoreTypes.Embedded, config.OnlineStoreType);
        Assert.Equal(new EmbeddedStoreSettings(Path.Combine(repo.Root, "state", "online"), 6391), config.EmbeddedStore);
    }

    [Fact]
    public void Online_store_section_with_a_connection_string_and_no_type_is_redis_as_before()
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              connection_string: cache-host:6379
            """);
        var config = repo.LoadConfig();
        Assert.Equal(OnlineStoreTypes.Redis, config.OnlineStoreType);
        Assert.Equal("cache-host:6379", config.RedisConnectionString);
        Assert.Null(config.EmbeddedStore);
    }

    [Theory]
    [InlineData("FEATURESTORE_REDIS", null)]
    [InlineData(null, "flag-host:6381")]
    public void Redis_from_the_environment_or_a_flag_switches_an_embedded_repository_to_redis(string? variable, string? flag)
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              type: embedded
            """);
        var config = repo.LoadConfig(
            new ConfigOverrides(flag),
            variable is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [variable] = "env-host:6380" });
        Assert.Equal(OnlineStoreTypes.Redis, config.OnlineStoreType);
        Assert.Equal(flag ?? "env-host:6380", config.RedisConnectionString);
        Assert.Null(config.EmbeddedStore);
    }

    [Theory]
    [InlineData("type: embedded\n  connection_string: host:6379", 4, 22, "online_store.connection_string applies to type 'redis' only")]
    [InlineData("type: redis\n  path: data/online", 4, 9, "online_store.path applies to type 'embedded' only")]
    [InlineData("type: redis\n  port: 7000", 4, 9, "online_store.port applies to type 'embedded' only")]
    [InlineData("type: embedded\n  port: 70000", 4, 9, "online_store.port '70000' is not a port")]
    [InlineData("port: six", 3, 9, "online_store.port 'six' is not a port")]
    [InlineData("type: sqlite", 3, 9, "the supported types are 'embedded' (in-process, the default) and 'redis'")]
    public void Online_store_problems_name_the_file_line_and_key(string section, int line, int column, string message)
    {
        using var repo = TestRepository.Create($"project: p\nonline_store:\n  {section}\n");

        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems);

        Assert.Equal(new SourceLocation("featurestore.yaml", line, column), problem.Location);
        Assert.Contains(message, problem.Message);
    }

    [Fact]
    public void Invalid_project_name_is_reported_at_its_value()
    {
        using var repo = TestRepository.Create("project: Driver-Ranking");
        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems);
        Assert.Equal(new SourceLocation("featurestore.yaml", 1, 10), problem.Location);
        Assert.Contains("invalid project name 'Driver-Ranking'", problem.Message);
    }

    [Fact]
    public void Config_problems_are_all_reported_together_and_a_misspelt_required_key_is_reported_once()
    {
        using var repo = TestRepository.Create("""
            projct: p
            online_store:
              type: memcached
            offline_store: duckdb
            """);

        var problems = Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems;

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(new SourceLocation("featurestore.yaml", 1, 1), p.Location);
                Assert.Equal("unknown key 'projct' in featurestore.yaml; did you mean 'project'?", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation("featurestore.yaml", 3, 9), p.Location);
                Assert.Contains("unsupported online_store type 'memcached'", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation("featurestore.yaml", 4, 16), p.Location);
                Assert.Contains("offline_store must be a map", p.Message);
            });
    }

    [Fact]
    public void Missing_folder_is_not_found()
    {
        var missing = Path.Combine(Path.GetTempPath(), "fs-missing-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<NotFoundException>(() => RepositoryLoader.LoadConfig(missing));
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Folder_without_featurestore_yaml_is_not_found()
    {
        using var repo = TestRepository.Create(config: null);
        var error = Assert.Throws<NotFoundException>(() => RepositoryLoader.LoadConfig(repo.Root));
        Assert.Contains("has no featurestore.yaml", error.Message);
    }
}
