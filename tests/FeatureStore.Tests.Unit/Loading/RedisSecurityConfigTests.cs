using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Loading;

/// <summary>
/// <c>online_store.tls_ca_file</c>, <c>FEATURESTORE_REDIS_TLS_CA</c> and <c>FEATURESTORE_REDIS_PASSWORD</c>: where
/// they come from, which wins, and that the password never prints.
/// </summary>
public sealed class RedisSecurityConfigTests
{
    private const string Config = """
        project: p
        online_store:
          type: redis
          connection_string: "redis.example.com:6380,ssl=true,user=fs,password=in-the-file"
          tls_ca_file: certs/ca.pem
        """;

    [Fact]
    public void The_ca_file_is_relative_to_the_repository_and_no_password_is_set_by_default()
    {
        using var repo = TestRepository.Create(Config);

        var config = repo.LoadConfig();

        Assert.Equal(Path.Combine(repo.Root, "certs", "ca.pem"), config.RedisTlsCaFile);
        Assert.Null(config.RedisPassword);
    }

    [Fact]
    public void The_environment_gives_the_password_and_overrides_the_ca_file()
    {
        using var repo = TestRepository.Create(Config);

        var config = repo.LoadConfig(environment: new Dictionary<string, string>
        {
            ["FEATURESTORE_REDIS_PASSWORD"] = "from-Secret-env",
            ["FEATURESTORE_REDIS_TLS_CA"] = "/etc/ssl/redis-ca.pem",
        });

        Assert.Equal("from-Secret-env", config.RedisPassword);
        Assert.Equal(Path.GetFullPath("/etc/ssl/redis-ca.pem"), config.RedisTlsCaFile);
        Assert.DoesNotContain("from-Secret-env", config.ToString());
        Assert.DoesNotContain("in-the-file", config.ToString());
    }

    [Fact]
    public void The_password_from_the_environment_replaces_the_connection_string_s()
    {
        using var repo = TestRepository.Create(Config);
        var config = repo.LoadConfig(environment: new Dictionary<string, string> { ["FEATURESTORE_REDIS_PASSWORD"] = "from-Secret-env" });
        var options = new RedisOnlineStoreOptions().WithConnectionSecurity(config with { RedisTlsCaFile = null });

        var configuration = RedisConnectionFactory.Configure(config.RedisConnectionString, options);

        Assert.Equal("from-Secret-env", configuration.Password);
        Assert.Equal("fs", configuration.User);
        Assert.DoesNotContain("from-Secret-env", options.ToString());
    }

    [Fact]
    public void An_empty_ca_file_setting_is_an_error_at_its_line()
    {
        using var repo = TestRepository.Create("""
            project: p
            online_store:
              connection_string: localhost:6379
              tls_ca_file: ""
            """);

        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems);

        Assert.Equal(4, problem.Location.Line);
        Assert.Contains("online_store.tls_ca_file is empty", problem.Message);
    }
}
