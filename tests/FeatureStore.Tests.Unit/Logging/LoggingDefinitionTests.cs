using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// The pinned logging YAML: <c>logging: {sample_rate}</c> on feature services and <c>logging: {path, flush_interval,
/// log_ad_hoc}</c> in featurestore.yaml, with every mistake reported at its file, line and column.
/// </summary>
public sealed class LoggingDefinitionTests
{
    private const string File = "defs.yaml";

    private static string WithServiceLogging(string logging) =>
        TestRepository.DriverDefinitions.Replace(
            "    features: [driver_hourly_stats:conv_rate, driver_hourly_stats]",
            "    features: [driver_hourly_stats:conv_rate, driver_hourly_stats]\n    logging: " + logging);

    private static async Task<TestRepository> RepositoryAsync(string definitions, string config = TestRepository.DefaultConfig)
    {
        var repo = TestRepository.Create(config).Write(File, definitions);
        await repo.WriteDriverParquetAsync();
        return repo;
    }

    [Fact]
    public async Task Service_sample_rate_is_read_and_a_service_without_logging_is_not_logged()
    {
        using var repo = await RepositoryAsync(WithServiceLogging("{sample_rate: 0.25}") +
            "\n  - name: unlogged\n    features: [driver_hourly_stats]\n");

        var definitions = (await repo.LoadAsync()).Definitions;

        Assert.Equal(0.25, definitions.GetFeatureService("driver_activity").Logging?.SampleRate);
        Assert.Null(definitions.GetFeatureService("unlogged").Logging);
    }

    [Fact]
    public async Task Adding_logging_changes_the_registry_hash_and_a_service_without_it_keeps_its_old_hash()
    {
        using var plain = await RepositoryAsync(TestRepository.DriverDefinitions);
        using var logged = await RepositoryAsync(WithServiceLogging("{sample_rate: 1.0}"));

        var plainDefinitions = (await plain.LoadAsync()).Definitions;
        var loggedDefinitions = (await logged.LoadAsync()).Definitions;

        Assert.NotEqual(CanonicalDefinitions.Hash(plainDefinitions), CanonicalDefinitions.Hash(loggedDefinitions));
        Assert.DoesNotContain("logging", CanonicalDefinitions.ToJsonString(plainDefinitions));
        var roundTripped = CanonicalDefinitions.FromJsonString(CanonicalDefinitions.ToJsonString(loggedDefinitions));
        Assert.Equal(1.0, roundTripped.GetFeatureService("driver_activity").Logging?.SampleRate);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("often")]
    [InlineData("NaN")]
    public async Task Sample_rate_outside_zero_to_one_is_reported_at_its_line(string rate)
    {
        using var repo = await RepositoryAsync(WithServiceLogging($"{{sample_rate: {rate}}}"));

        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadAsync().GetAwaiter().GetResult()).Problems);

        Assert.Equal(new SourceLocation(File, 22, 28), problem.Location);
        Assert.Equal(
            $"sample_rate of feature service 'driver_activity' must be a number greater than 0 and at most 1 (1.0 logs every request), not '{rate}'",
            problem.Message);
    }

    [Fact]
    public async Task Logging_without_sample_rate_and_unknown_logging_keys_are_reported()
    {
        using var repo = await RepositoryAsync(WithServiceLogging("{sample_rat: 0.5}"));

        var problems = Assert.Throws<DefinitionValidationException>(() => repo.LoadAsync().GetAwaiter().GetResult()).Problems;

        var problem = Assert.Single(problems);
        Assert.Equal(22, problem.Location.Line);
        Assert.Equal("unknown key 'sample_rat' in logging of feature service 'driver_activity'; did you mean 'sample_rate'?", problem.Message);
    }

    [Fact]
    public async Task A_logged_service_whose_join_key_takes_a_log_column_name_is_reported()
    {
        using var repo = await RepositoryAsync(WithServiceLogging("{sample_rate: 1}").Replace("join_key: driver_id", "join_key: request_id"));
        await repo.WriteDriverParquetAsync(replace: [new Infrastructure.TestColumn("request_id", "BIGINT", [1L, 2L, 3L])]);

        var problems = Assert.Throws<DefinitionValidationException>(() => repo.LoadAsync().GetAwaiter().GetResult()).Problems;

        Assert.Contains(problems, p => p.Location.Line == 20 &&
            p.Message.StartsWith("feature service 'driver_activity' is logged, but join key 'request_id' of entity 'driver' has the name of a column every log has", StringComparison.Ordinal));
    }

    [Fact]
    public void Repository_logging_settings_default_to_logs_in_the_repository_every_10_seconds()
    {
        using var repo = TestRepository.Create();

        var logging = repo.LoadConfig().LoggingSettings();

        Assert.Equal(Path.Combine(repo.Root, "logs"), logging.Path);
        Assert.Equal(TimeSpan.FromSeconds(10), logging.FlushInterval);
        Assert.False(logging.LogAdHoc);
    }

    [Fact]
    public void Repository_logging_section_sets_path_relative_to_the_repository_flush_interval_and_ad_hoc_logging()
    {
        using var repo = TestRepository.Create(TestRepository.DefaultConfig + "\nlogging:\n  path: served/logs/\n  flush_interval: 30s\n  log_ad_hoc: true\n");

        var logging = repo.LoadConfig().LoggingSettings();

        Assert.Equal(Path.Combine(repo.Root, "served", "logs"), logging.Path);
        Assert.Equal(TimeSpan.FromSeconds(30), logging.FlushInterval);
        Assert.True(logging.LogAdHoc);
    }

    [Fact]
    public void Bad_repository_logging_values_are_each_reported_at_their_line()
    {
        using var repo = TestRepository.Create(TestRepository.DefaultConfig + "\nlogging:\n  path: \"\"\n  flush_interval: 0\n  log_ad_hoc: sometimes\n  rotate: daily\n");

        var problems = Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems;

        Assert.Collection(problems,
            p => Assert.Equal((8, "logging.path is empty; give the folder for the log files, e.g. logs/"), (p.Location.Line, p.Message)),
            p => Assert.Equal((9, "logging.flush_interval must be longer than 0 (e.g. 10s)"), (p.Location.Line, p.Message)),
            p => Assert.Equal((10, "logging.log_ad_hoc must be true or false, not 'sometimes'"), (p.Location.Line, p.Message)),
            p => Assert.Equal((11, "unknown key 'rotate' in logging (known keys: path, flush_interval, log_ad_hoc)"), (p.Location.Line, p.Message)));
        Assert.All(problems, p => Assert.Equal("featurestore.yaml", p.Location.File));
    }

    [Fact]
    public void Malformed_flush_interval_says_how_to_write_a_duration()
    {
        using var repo = TestRepository.Create(TestRepository.DefaultConfig + "\nlogging:\n  flush_interval: 10 seconds\n");

        var problem = Assert.Single(Assert.Throws<DefinitionValidationException>(() => repo.LoadConfig()).Problems);

        Assert.Equal(new SourceLocation("featurestore.yaml", 8, 19), problem.Location);
        Assert.StartsWith("malformed duration '10 seconds' for logging.flush_interval: write a whole number followed by s, m, h, d or w", problem.Message);
    }
}
