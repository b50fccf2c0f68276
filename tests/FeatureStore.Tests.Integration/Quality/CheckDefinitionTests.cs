using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Quality;

/// <summary>
/// The pinned YAML of checks and references: what loads, and every way apply rejects them, each problem with file,
/// line and column. The definitions are <see cref="TestRepository.DriverDefinitions"/> plus a string feature.
/// </summary>
public sealed class CheckDefinitionTests
{
    private const string File = "defs.yaml";

    private static readonly string Definitions = TestRepository.DriverDefinitions.Replace(
        "      - {name: avg_daily_trips, type: int64}",
        "      - {name: avg_daily_trips, type: int64}\n      - {name: city, type: string}");

    [Fact]
    public async Task The_pinned_checks_load_into_the_definitions()
    {
        var definitions = await LoadAsync(Definitions
            .Replace("    ttl: 1d", "    ttl: 1d\n    checks:\n      severity: error\n      max_drift_psi: 0.25\n    reference: training-set:data/training.parquet")
            .Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: float32, checks: {not_null: true, min: 0, max: 1}}")
            .Replace("{name: avg_daily_trips, type: int64}", "{name: avg_daily_trips, type: int64, checks: {max_null_fraction: 0.01, min: 0, severity: warn}}")
            .Replace("{name: city, type: string}", "{name: city, type: string, checks: {allowed_values: [paris, berlin, tokyo]}}"));

        var view = definitions.GetFeatureView("driver_hourly_stats");
        Assert.Equal(new ViewChecks { Severity = CheckSeverity.Error, MaxDriftPsi = 0.25 }, view.Checks);
        Assert.Equal("training-set:data/training.parquet", view.Reference);
        Assert.Equal(new FeatureChecks { NotNull = true, Min = 0, Max = 1 }, view.FindFeature("conv_rate")!.Checks);
        Assert.Equal(new FeatureChecks { MaxNullFraction = 0.01, Min = 0, Severity = CheckSeverity.Warn }, view.FindFeature("avg_daily_trips")!.Checks);
        Assert.Equal(["paris", "berlin", "tokyo"], view.FindFeature("city")!.Checks!.AllowedValues);
        Assert.Null(view.FindFeature("acc_rate")!.Checks);
    }

    [Fact]
    public async Task Definitions_without_checks_keep_their_registry_hash()
    {
        var plain = await LoadAsync(Definitions);
        var withNoOpCheck = await LoadAsync(Definitions.Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: float32, checks: {not_null: false}}"));

        Assert.DoesNotContain("checks", CanonicalDefinitions.ToJsonString(plain));
        Assert.Equal(CanonicalDefinitions.Hash(plain), CanonicalDefinitions.Hash(withNoOpCheck));
    }

    [Theory]
    [InlineData("{name: conv_rate, type: float32, checks: {not_nul: true}}", "not_nul",
        "unknown key 'not_nul' in checks of feature 'conv_rate' of feature view 'driver_hourly_stats'; did you mean 'not_null'?")]
    [InlineData("{name: conv_rate, type: float32, checks: {min: 1, max: 0.5}}", "1,",
        "min 1 in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' is above max 0.5")]
    [InlineData("{name: conv_rate, type: float32, checks: {max_null_fraction: 1.5}}", "1.5",
        "max_null_fraction in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' must be between 0 and 1, not 1.5")]
    [InlineData("{name: conv_rate, type: float32, checks: {severity: fatal}}", "fatal",
        "severity in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' must be error or warn, not 'fatal'")]
    [InlineData("{name: conv_rate, type: float32, checks: {not_null: yes}}", "yes",
        "not_null in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' must be true or false, not 'yes'")]
    [InlineData("{name: conv_rate, type: float32, checks: {max: lots}}", "lots",
        "max in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' must be a number, not 'lots'")]
    [InlineData("{name: conv_rate, type: float32, checks: {allowed_values: [a, b]}}", "[a",
        "allowed_values in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' does not fit type float32: it fits string, int32 and int64 features")]
    [InlineData("{name: city, type: string, checks: {min: 0}}", "0}",
        "min in checks of feature 'city' of feature view 'driver_hourly_stats' does not fit type string: min and max fit int32, int64, float32 and float64 features")]
    [InlineData("{name: avg_daily_trips, type: int64, checks: {allowed_values: [1, two]}}", "two",
        "allowed value 'two' in checks of feature 'avg_daily_trips' of feature view 'driver_hourly_stats' is not a int64 number")]
    public async Task Apply_rejects_a_bad_feature_check_at_its_line(string feature, string at, string message)
    {
        var name = feature[(feature.IndexOf("name: ", StringComparison.Ordinal) + 6)..feature.IndexOf(',', StringComparison.Ordinal)];
        var original = Definitions.Split('\n').Single(l => l.Contains($"{{name: {name}, ", StringComparison.Ordinal));
        var text = Definitions.Replace(original, original[..original.IndexOf('{', StringComparison.Ordinal)] + feature);
        var line = text.Split('\n').Select((l, i) => (l, i)).Single(x => x.l.Contains(feature, StringComparison.Ordinal));

        var problem = Assert.Single(await ProblemsAsync(text));

        Assert.Equal(message, problem.Message);
        Assert.Equal(new SourceLocation(File, line.i + 1, line.l.IndexOf(at, StringComparison.Ordinal) + 1), problem.Location);
    }

    [Theory]
    [InlineData("    checks: {max_drift_psi: 0.2}", "0.2",
        "max_drift_psi of feature view 'driver_hourly_stats' needs a reference to compare with: add reference: training-set:FILE, profile:NAME or window:START..END")]
    [InlineData("    checks: {max_drift_psi: 0}\n    reference: profile:baseline", "0}",
        "max_drift_psi of feature view 'driver_hourly_stats' must be above 0, not 0")]
    [InlineData("    checks: {severity: warm}", "warm",
        "severity in checks of feature view 'driver_hourly_stats' must be error or warn, not 'warm'")]
    [InlineData("    reference: snapshot:last", "snapshot",
        "reference of feature view 'driver_hourly_stats': 'snapshot:last' is not a profile reference; write training-set:FILE, profile:NAME or window:START..END")]
    [InlineData("    reference: window:2024-02-01..2024-01-01", "window",
        "reference of feature view 'driver_hourly_stats': window:2024-02-01..2024-01-01 ends before it starts")]
    [InlineData("    reference: window:2024-01-01..now", "window",
        "reference of feature view 'driver_hourly_stats': window:2024-01-01..now moves with the clock; a reference window takes fixed ISO-8601 times")]
    public async Task Apply_rejects_bad_view_checks_and_references_at_their_line(string yaml, string at, string message)
    {
        var text = Definitions.Replace("    ttl: 1d", "    ttl: 1d\n" + yaml);
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(at, StringComparison.Ordinal) && (l.Contains("checks", StringComparison.Ordinal) || l.Contains("reference", StringComparison.Ordinal)));

        var problem = Assert.Single(await ProblemsAsync(text));

        Assert.Equal(message, problem.Message);
        Assert.Equal(new SourceLocation(File, line + 1, lines[line].IndexOf(at, StringComparison.Ordinal) + 1), problem.Location);
    }

    [Fact]
    public async Task Apply_with_a_bad_check_exits_1_and_applies_nothing()
    {
        using var repo = TestRepository.Create(TestRepository.DefaultConfig + "\nregistry: .featurestore/registry\n")
            .Write(File, Definitions.Replace("{name: conv_rate, type: float32}", "{name: conv_rate, type: float32, checks: {min: 2, max: 1}}"));
        await WriteParquetAsync(repo);

        var result = await CliRunner.RunAsync("apply", "--repo", repo.Root);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("defs.yaml:16:", result.Error);
        Assert.Contains("min 2 in checks of feature 'conv_rate' of feature view 'driver_hourly_stats' is above max 1", result.Error);
        Assert.Null(await new FileRegistry(Path.Combine(repo.Root, ".featurestore", "registry")).GetCurrentAsync());
    }

    private static Task WriteParquetAsync(TestRepository repo) =>
        repo.WriteDriverParquetAsync(replace: new TestColumn("city", "VARCHAR", ["paris", "berlin", "tokyo"]));

    private static async Task<DefinitionSet> LoadAsync(string definitions)
    {
        using var repo = TestRepository.Create().Write(File, definitions);
        await WriteParquetAsync(repo);
        return (await repo.LoadAsync()).Definitions;
    }

    private static async Task<IReadOnlyList<DefinitionProblem>> ProblemsAsync(string definitions)
    {
        using var repo = TestRepository.Create().Write(File, definitions);
        await WriteParquetAsync(repo);
        return (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems;
    }
}
