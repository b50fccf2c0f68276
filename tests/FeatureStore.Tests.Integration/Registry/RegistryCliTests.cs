using System.Text.RegularExpressions;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Registry;

/// <summary>plan, apply and versions through the real command line, against a repository of YAML and Parquet files.</summary>
public sealed partial class RegistryCliTests : IDisposable
{
    private readonly TestRepository _repository = TestRepository.Create();

    private string RegistryFolder => Path.Combine(_repository.Root, ".featurestore", "registry");

    public void Dispose() => _repository.Dispose();

    private async Task<TestRepository> DriverRepositoryAsync()
    {
        _repository.Write("driver.yaml", TestRepository.DriverDefinitions);
        await _repository.WriteDriverParquetAsync();
        return _repository;
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    [Fact]
    public async Task Plan_on_a_new_repository_lists_every_object_as_added_and_writes_nothing()
    {
        var repository = await DriverRepositoryAsync();

        var result = await CliRunner.RunAsync("plan", "--repo", repository.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "+ entity driver",
                "+ source driver_stats_source",
                "+ feature view driver_hourly_stats",
                "+ feature service driver_activity",
                "",
                "Plan: +1 entity, +1 source, +1 feature view, +1 feature service.",
            ],
            Lines(result.Output));
        Assert.False(Directory.Exists(RegistryFolder));
    }

    [Fact]
    public async Task Plan_after_edits_shows_added_changed_and_removed_objects_with_their_fields()
    {
        var repository = await DriverRepositoryAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("apply", "--repo", repository.Root)).ExitCode);
        repository.Write("driver.yaml", TestRepository.DriverDefinitions
            .Replace("ttl: 1d", "ttl: 2d")
            .Replace("      - {name: acc_rate, type: float32}\n", "")
            .Replace("  - {name: conv_rate, type: float32}", "  - {name: conv_rate, type: float32, description: Conversion rate}")
            .Replace("""
                feature_services:
                  - name: driver_activity
                    features: [driver_hourly_stats:conv_rate, driver_hourly_stats]
                """, """
                feature_services:
                  - name: driver_ranking_v2
                    features: [driver_hourly_stats]
                """));

        var result = await CliRunner.RunAsync("plan", "--repo", repository.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            [
                "~ feature view driver_hourly_stats",
                "    - features.acc_rate: float32",
                "    + features.conv_rate.description: Conversion rate",
                "    ~ ttl: 1d -> 2d",
                "- feature service driver_activity",
                "+ feature service driver_ranking_v2",
                "",
                "Plan: +1 feature service, ~1 feature view (features, ttl), -1 feature service.",
            ],
            Lines(result.Output));
        Assert.Single(await new FileRegistry(RegistryFolder).ListVersionsAsync());
    }

    [Fact]
    public async Task Plan_with_nothing_to_change_says_no_changes()
    {
        var repository = await DriverRepositoryAsync();
        await CliRunner.RunAsync("apply", "--repo", repository.Root);

        var result = await CliRunner.RunAsync("plan", "--repo", repository.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["No changes."], Lines(result.Output));
    }

    [Fact]
    public async Task Apply_records_a_version_and_an_identical_reapply_records_none()
    {
        var repository = await DriverRepositoryAsync();

        var first = await CliRunner.RunAsync("apply", "--repo", repository.Root);
        var second = await CliRunner.RunAsync("apply", "--repo", repository.Root);

        Assert.Equal(0, first.ExitCode);
        var current = await new FileRegistry(RegistryFolder).GetCurrentAsync();
        Assert.NotNull(current);
        Assert.Equal(
            [
                "+ entity driver",
                "+ source driver_stats_source",
                "+ feature view driver_hourly_stats",
                "+ feature service driver_activity",
                "",
                $"Applied version 1 (hash {current.Hash[..12]}): +1 entity, +1 source, +1 feature view, +1 feature service",
            ],
            Lines(first.Output));
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(["No changes; registry stays at version 1."], Lines(second.Output));
        Assert.Single(await new FileRegistry(RegistryFolder).ListVersionsAsync());
        Assert.Equal(TimeSpan.FromDays(1), current.Definitions.GetFeatureView("driver_hourly_stats").Ttl);
    }

    [Fact]
    public async Task Apply_of_invalid_definitions_exits_1_names_the_problem_and_leaves_the_registry_unchanged()
    {
        var repository = await DriverRepositoryAsync();
        await CliRunner.RunAsync("apply", "--repo", repository.Root);
        var before = await File.ReadAllBytesAsync(Path.Combine(RegistryFolder, "versions", "000001.json"));
        repository.Write("driver.yaml", TestRepository.DriverDefinitions.Replace("entities: [driver]", "entities: [drivr]"));

        var apply = await CliRunner.RunAsync("apply", "--repo", repository.Root);
        var plan = await CliRunner.RunAsync("plan", "--repo", repository.Root);

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("driver.yaml", apply.Error);
        Assert.Contains("drivr", apply.Error);
        Assert.Equal("", apply.Output);
        Assert.Equal(1, plan.ExitCode);
        var versions = await new FileRegistry(RegistryFolder).ListVersionsAsync();
        Assert.Equal(1, Assert.Single(versions).Number);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(RegistryFolder, "versions", "000001.json")));
        Assert.Equal(["000001.json"], Directory.EnumerateFileSystemEntries(Path.Combine(RegistryFolder, "versions")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Versions_lists_number_utc_time_short_hash_and_summary_oldest_first()
    {
        var repository = await DriverRepositoryAsync();
        await CliRunner.RunAsync("apply", "--repo", repository.Root);
        repository.Write("driver.yaml", TestRepository.DriverDefinitions.Replace("ttl: 1d", "ttl: 12h"));
        await CliRunner.RunAsync("apply", "--repo", repository.Root);
        var stored = await new FileRegistry(RegistryFolder).ListVersionsAsync();

        var result = await CliRunner.RunAsync("versions", "--repo", repository.Root);

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.Output);
        Assert.Equal(3, lines.Length);
        Assert.Equal("VERSION  APPLIED (UTC)        HASH          CHANGES", lines[0]);
        Assert.Equal(
            $"1        {stored[0].AppliedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {stored[0].Hash[..12]}  +1 entity, +1 source, +1 feature view, +1 feature service",
            lines[1]);
        Assert.Equal($"2        {stored[1].AppliedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {stored[1].Hash[..12]}  ~1 feature view (ttl)", lines[2]);
        Assert.Matches(RowPattern(), lines[2]);
    }

    [Fact]
    public async Task Versions_of_a_registry_never_applied_says_how_to_start()
    {
        var result = await CliRunner.RunAsync("versions", "--repo", _repository.Root);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No versions", result.Output);
        Assert.Contains("featurestore apply", result.Output);
    }

    [GeneratedRegex(@"^2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  [0-9a-f]{12}  ")]
    private static partial Regex RowPattern();
}
