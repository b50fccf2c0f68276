using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;

namespace FeatureStore.Tests.Loading;

/// <summary>
/// One test per class of definition problem, each asserting file, line, column and message. The definitions are
/// <see cref="TestRepository.DriverDefinitions"/> with one line changed, so line numbers refer to that text.
/// </summary>
public sealed class DefinitionValidationTests
{
    private const string File = "defs.yaml";

    [Fact]
    public async Task Unknown_key_is_reported_with_the_closest_known_key()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    ttl: 1d", "    ttll: 1d"));
        Assert.Equal(new SourceLocation(File, 14, 5), problem.Location);
        Assert.Equal("unknown key 'ttll' in feature view 'driver_hourly_stats'; did you mean 'ttl'?", problem.Message);
    }

    [Fact]
    public async Task Unknown_key_without_a_close_match_lists_the_known_keys()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    value_type: int64", "    value_type: int64\n    colour: blue"));
        Assert.Equal(new SourceLocation(File, 5, 5), problem.Location);
        Assert.Equal("unknown key 'colour' in entity 'driver' (known keys: name, join_key, value_type, description, owner, tags)", problem.Message);
    }

    [Fact]
    public async Task Duplicate_name_across_files_names_both_places()
    {
        using var repo = TestRepository.Create()
            .Write(File, TestRepository.DriverDefinitions)
            .Write("more/other.yaml", "entities:\n  - name: driver\n    join_key: driver_id\n    value_type: int64\n");
        await repo.WriteDriverParquetAsync();

        var problem = Assert.Single(await ProblemsAsync(repo));

        Assert.Equal(new SourceLocation("more/other.yaml", 2, 11), problem.Location);
        Assert.Equal("duplicate entity 'driver': also defined at defs.yaml:2:5", problem.Message);
    }

    [Fact]
    public async Task Unknown_entity_in_a_view_suggests_the_closest_entity()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("entities: [driver]", "entities: [drivr]"));
        Assert.Equal(new SourceLocation(File, 12, 16), problem.Location);
        Assert.Equal("feature view 'driver_hourly_stats' uses unknown entity 'drivr'; did you mean 'driver'?", problem.Message);
    }

    [Fact]
    public async Task Unknown_source_in_a_view_suggests_the_closest_source()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    source: driver_stats_source", "    source: driver_stat_source"));
        Assert.Equal(new SourceLocation(File, 13, 13), problem.Location);
        Assert.Equal("feature view 'driver_hourly_stats' reads unknown source 'driver_stat_source'; did you mean 'driver_stats_source'?", problem.Message);
    }

    [Fact]
    public async Task Unknown_feature_in_a_service_suggests_the_closest_feature()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("[driver_hourly_stats:conv_rate,", "[driver_hourly_stats:conv_rat,"));
        Assert.Equal(new SourceLocation(File, 21, 16), problem.Location);
        Assert.Equal("feature service 'driver_activity' uses unknown feature 'conv_rat' of feature view 'driver_hourly_stats'; did you mean 'conv_rate'?", problem.Message);
    }

    [Fact]
    public async Task Unknown_view_in_a_service_suggests_the_closest_view()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace(", driver_hourly_stats]", ", driver_hourly_stat]"));
        Assert.Equal(new SourceLocation(File, 21, 47), problem.Location);
        Assert.Equal("feature service 'driver_activity' uses unknown feature view 'driver_hourly_stat'; did you mean 'driver_hourly_stats'?", problem.Message);
    }

    [Fact]
    public async Task Bare_view_in_a_service_stands_for_all_its_features()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("[driver_hourly_stats:conv_rate, driver_hourly_stats]", "[driver_hourly_stats]"));
        await repo.WriteDriverParquetAsync();

        var loaded = await repo.LoadAsync();

        Assert.Equal(["driver_hourly_stats"], loaded.Definitions.FeatureServices[0].Features);
        Assert.Equal(3, loaded.Definitions.ResolveService("driver_activity").Count);
    }

    [Fact]
    public async Task Entry_listed_twice_in_a_service_is_reported()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace(", driver_hourly_stats]", ", driver_hourly_stats:conv_rate]"));
        Assert.Equal(new SourceLocation(File, 21, 47), problem.Location);
        Assert.Equal("feature service 'driver_activity' lists 'driver_hourly_stats:conv_rate' more than once", problem.Message);
    }

    [Fact]
    public async Task Duplicate_key_in_a_map_is_reported()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    ttl: 1d", "    ttl: 1d\n    ttl: 2d"));
        Assert.Equal(File, problem.Location.File);
        Assert.Equal(15, problem.Location.Line);
        Assert.Contains("invalid YAML: ", problem.Message);
    }

    [Fact]
    public async Task Empty_required_value_is_reported()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("path: data/driver_stats.parquet", "path: \"${FS_TEST_EMPTY:-}\""));
        Assert.Equal(new SourceLocation(File, 7, 11), problem.Location);
        Assert.Equal("source 'driver_stats_source' has an empty value for required key 'path'", problem.Message);
    }

    [Fact]
    public async Task Config_and_definition_problems_are_reported_together()
    {
        using var repo = TestRepository.Create("project: Bad-Name").Write(File, TestRepository.DriverDefinitions.Replace("    ttl: 1d", "    ttl: 1x"));
        await repo.WriteDriverParquetAsync();

        var problems = await ProblemsAsync(repo);

        Assert.Equal(["defs.yaml:14:10", "featurestore.yaml:1:10"], problems.Select(p => p.Location.ToString()));
    }

    [Fact]
    public async Task Invalid_names_are_reported_at_the_name()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("  - name: driver_hourly_stats", "  - name: driver-hourly-stats")
            .Replace("{name: acc_rate,", "{name: 2acc_rate,")
            .Replace("join_key: driver_id", "join_key: driver id")
            .Replace("driver_hourly_stats:conv_rate, driver_hourly_stats]", "driver-hourly-stats:conv_rate]"));
        await repo.WriteDriverParquetAsync(replace: [new("2acc_rate", "FLOAT", [0f, 0f, 0f]), new("driver id", "BIGINT", [1L, 2L, 3L])]);

        var problems = await ProblemsAsync(repo);

        Assert.Collection(problems,
            p =>
            {
                Assert.Equal(new SourceLocation(File, 3, 15), p.Location);
                Assert.Equal("invalid join key 'driver id': names must match [A-Za-z_][A-Za-z0-9_]*", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation(File, 11, 11), p.Location);
                Assert.Equal("invalid feature view name 'driver-hourly-stats': names must match [A-Za-z_][A-Za-z0-9_]*", p.Message);
            },
            p =>
            {
                Assert.Equal(new SourceLocation(File, 17, 16), p.Location);
                Assert.Equal("invalid feature name '2acc_rate': names must match [A-Za-z_][A-Za-z0-9_]*", p.Message);
            });
    }

    [Fact]
    public async Task Unknown_type_suggests_the_closest_type()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: flaot32}"));
        Assert.Equal(new SourceLocation(File, 16, 33), problem.Location);
        Assert.Equal("unknown type 'flaot32'; did you mean 'float32'?", problem.Message);
    }

    [Fact]
    public async Task Unknown_type_without_a_close_match_lists_the_types()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: decimal}"));
        Assert.Equal(new SourceLocation(File, 16, 33), problem.Location);
        Assert.StartsWith("unknown type 'decimal'; known types: bool, int32, int64, float32, float64, string, bytes, timestamp", problem.Message);
    }

    [Theory]
    [InlineData("1x")]
    [InlineData("1.5h")]
    [InlineData("-1d")]
    [InlineData("10")]
    [InlineData("d")]
    [InlineData("1 d")]
    public async Task Malformed_duration_is_reported_at_the_value(string ttl)
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    ttl: 1d", $"    ttl: {ttl}"));
        Assert.Equal(new SourceLocation(File, 14, 10), problem.Location);
        Assert.Equal($"malformed duration '{ttl}' for ttl of feature view 'driver_hourly_stats': write a whole number followed by s, m, h, d or w (e.g. 1d, 90m), or 0 for never", problem.Message);
    }

    [Theory]
    [InlineData("100000d")]
    [InlineData("36601d")]
    [InlineData("5300w")]
    public async Task Too_long_ttl_says_what_the_limit_is(string ttl)
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    ttl: 1d", $"    ttl: {ttl}"));
        Assert.Equal(new SourceLocation(File, 14, 10), problem.Location);
        Assert.Equal($"ttl '{ttl}' of feature view 'driver_hourly_stats' is too long: a ttl may be at most 36600d (100 years); use 0 for values that never expire", problem.Message);
    }

    [Theory]
    [InlineData("36600d", 36600 * 86400L)]
    [InlineData("30s", 30)]
    [InlineData("90m", 5400)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("2w", 1209600)]
    [InlineData("0", 0)]
    public async Task Well_formed_durations_are_accepted(string ttl, long seconds)
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("    ttl: 1d", $"    ttl: {ttl}"));
        await repo.WriteDriverParquetAsync();
        var loaded = await repo.LoadAsync();
        Assert.Equal(TimeSpan.FromSeconds(seconds), loaded.Definitions.FeatureViews[0].Ttl);
    }

    [Fact]
    public async Task Absent_ttl_means_never_expires()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions.Replace("    ttl: 1d\n", ""));
        await repo.WriteDriverParquetAsync();
        Assert.Equal(TimeSpan.Zero, (await repo.LoadAsync()).Definitions.FeatureViews[0].Ttl);
    }

    [Fact]
    public async Task View_without_features_is_reported()
    {
        var definitions = string.Join('\n', TestRepository.DriverDefinitions.Split('\n')[..14]) + "\n    features: []\n";
        var problem = await SingleProblemAsync(definitions);
        Assert.Equal(new SourceLocation(File, 15, 15), problem.Location);
        Assert.Equal("feature view 'driver_hourly_stats' has no features; declare at least one", problem.Message);
    }

    [Fact]
    public async Task Missing_required_key_is_reported_at_the_object()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    timestamp_field: event_timestamp\n", ""));
        Assert.Equal(new SourceLocation(File, 6, 5), problem.Location);
        Assert.Equal("source 'driver_stats_source' is missing required key 'timestamp_field'", problem.Message);
    }

    [Fact]
    public async Task Required_key_without_a_value_is_reported_at_the_key()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("    source: driver_stats_source", "    source:"));
        Assert.Equal(new SourceLocation(File, 13, 12), problem.Location);
        Assert.Equal("feature view 'driver_hourly_stats' has no value for required key 'source'", problem.Message);
    }

    [Fact]
    public async Task Scalar_where_a_list_is_expected_is_reported()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("entities: [driver]", "entities: driver"));
        Assert.Equal(new SourceLocation(File, 12, 15), problem.Location);
        Assert.Equal("'entities' of feature view 'driver_hourly_stats' must be a list, not the value 'driver'", problem.Message);
    }

    [Fact]
    public async Task Scalar_where_a_map_is_expected_is_reported()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("      - {name: acc_rate, type: float32}", "      - acc_rate"));
        Assert.Equal(new SourceLocation(File, 17, 9), problem.Location);
        Assert.Equal("each feature of feature view 'driver_hourly_stats' must be a map of key: value pairs, not the value 'acc_rate'", problem.Message);
    }

    [Fact]
    public async Task Yaml_syntax_error_is_reported_with_its_position()
    {
        using var repo = TestRepository.Create().Write(File, "entities:\n  - name: driver\n    join_key: [driver_id\n");
        var problem = Assert.Single(await ProblemsAsync(repo));
        Assert.Equal(File, problem.Location.File);
        Assert.True(problem.Location.Line >= 3, problem.ToString());
        Assert.StartsWith("invalid YAML: ", problem.Message);
    }

    [Fact]
    public async Task Unset_variable_in_a_definition_file_is_reported_at_the_value()
    {
        var problem = await SingleProblemAsync(TestRepository.DriverDefinitions.Replace("path: data/driver_stats.parquet", "path: ${FS_TEST_DATA}/driver_stats.parquet"));
        Assert.Equal(new SourceLocation(File, 7, 11), problem.Location);
        Assert.Equal("path: environment variable 'FS_TEST_DATA' is not set; set it or give a default with ${FS_TEST_DATA:-default}", problem.Message);
    }

    [Fact]
    public async Task Variables_are_expanded_in_definition_files()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions
            .Replace("path: data/driver_stats.parquet", "path: ${FS_TEST_DATA:-data}/driver_stats.parquet")
            .Replace("    ttl: 1d", "    ttl: ${FS_TEST_TTL}"));
        await repo.WriteDriverParquetAsync();

        var loaded = await repo.LoadAsync(environment: new Dictionary<string, string> { ["FS_TEST_TTL"] = "3h" });

        Assert.Equal("data/driver_stats.parquet", loaded.Definitions.Sources[0].Path);
        Assert.Equal(TimeSpan.FromHours(3), loaded.Definitions.FeatureViews[0].Ttl);
    }

    [Fact]
    public async Task Three_different_problems_are_reported_together_in_file_order()
    {
        var problems = await ProblemsAsync(TestRepository.DriverDefinitions
            .Replace("value_type: int64", "value_type: int46")
            .Replace("    ttl: 1d", "    ttl: 1x")
            .Replace(", driver_hourly_stats]", ", driver_hourly]"));

        Assert.Equal(3, problems.Count);
        Assert.Equal([4, 14, 21], problems.Select(p => p.Location.Line));
        Assert.StartsWith("unknown type 'int46'", problems[0].Message);
        Assert.StartsWith("malformed duration '1x'", problems[1].Message);
        Assert.StartsWith("feature service 'driver_activity' uses unknown feature view 'driver_hourly'", problems[2].Message);
        var error = await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(TestRepository.DriverDefinitions.Replace("    ttl: 1d", "    ttl: 1x")));
        Assert.Contains("defs.yaml:14:10: malformed duration '1x'", error.Message);
    }

    [Fact]
    public async Task Files_in_hidden_folders_and_the_registry_folder_are_not_definitions()
    {
        using var repo = TestRepository.Create(TestRepository.DefaultConfig + "\nregistry: state")
            .Write(File, TestRepository.DriverDefinitions)
            .Write(".hidden/broken.yaml", "not: [valid")
            .Write("state/v1.yaml", "entities: nonsense")
            .Write("nested/extra.yml", "entities:\n  - {name: rider, join_key: rider_id, value_type: string}\n");
        await repo.WriteDriverParquetAsync();

        var loaded = await repo.LoadAsync();

        Assert.Equal(["driver", "rider"], loaded.Definitions.Entities.Select(e => e.Name));
        Assert.Equal(new SourceLocation("nested/extra.yml", 2, 5), loaded.Definitions.Entities[1].Location);
    }

    internal static async Task<IReadOnlyList<DefinitionProblem>> ProblemsAsync(TestRepository repo) =>
        (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems;

    private static async Task<IReadOnlyList<DefinitionProblem>> ProblemsAsync(string definitions) =>
        (await Assert.ThrowsAsync<DefinitionValidationException>(() => LoadAsync(definitions))).Problems;

    private static async Task<DefinitionProblem> SingleProblemAsync(string definitions)
    {
        var problems = await ProblemsAsync(definitions);
        Assert.True(problems.Count == 1, string.Join("\n", problems));
        return problems[0];
    }

    private static async Task LoadAsync(string definitions)
    {
        using var repo = TestRepository.Create().Write(File, definitions);
        await repo.WriteDriverParquetAsync();
        await repo.LoadAsync();
    }
}
