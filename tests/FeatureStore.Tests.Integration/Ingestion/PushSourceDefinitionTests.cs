using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Ingestion;

/// <summary>The pinned push source YAML: what loads, and every mistake reported at once with file and line.</summary>
public sealed class PushSourceDefinitionTests
{
    private const string File = "defs.yaml";

    [Fact]
    public async Task A_view_on_a_push_source_reads_history_from_its_batch_source()
    {
        using var repo = await RepositoryAsync(PushRepository.Definitions());

        var loaded = await repo.LoadAsync();

        var definitions = loaded.Definitions;
        var push = definitions.GetSource("driver_stats_push");
        Assert.True(push.IsPush);
        Assert.Equal("driver_stats_source", push.BatchSource);
        var view = definitions.GetFeatureView("driver_hourly_stats");
        Assert.Equal("driver_stats_push", view.Source);
        Assert.Equal("driver_stats_source", definitions.GetBatchSource(view).Name);
        Assert.Equal(["driver_hourly_stats", "driver_ratios"], definitions.ViewsOf(push).Select(v => v.Name));
        var stored = CanonicalDefinitions.FromJsonString(CanonicalDefinitions.ToJsonString(definitions));
        Assert.Equal("driver_stats_source", stored.GetSource("driver_stats_push").BatchSource);
        Assert.Equal(CanonicalDefinitions.Hash(definitions), CanonicalDefinitions.Hash(stored));
    }

    [Fact]
    public async Task Adding_push_support_leaves_the_registry_hash_of_parquet_only_definitions_unchanged()
    {
        using var repo = TestRepository.Create().Write(File, TestRepository.DriverDefinitions);
        await repo.WriteDriverParquetAsync();

        var json = CanonicalDefinitions.ToJsonString((await repo.LoadAsync()).Definitions);

        Assert.DoesNotContain("batch_source", json);
        Assert.DoesNotContain("is_push", json);
    }

    [Fact]
    public async Task Every_push_source_mistake_is_reported_at_once_with_its_line()
    {
        var yaml = PushRepository.Definitions()
            .Replace("    batch_source: driver_stats_source", "    batch_source: driver_stats_sourc\n    path: data/other/")
            .Replace("    field_mapping:\n      conv: conv_rate", "    field_mapping:\n      conv: conv_rate\n    batch_source: driver_stats_push")
            .Replace("      - {name: trip_ratios, type: list<float64>}", "      - {name: trip_ratios, type: list<float64>}\n      - {name: acc_rate, type: float32}");
        using var repo = await RepositoryAsync(yaml);

        var problems = (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems;

        Assert.Equal(
        [
            "defs.yaml:12:5: source 'driver_stats_source' is a Parquet source and cannot have a 'batch_source'; only a push source (type: push) names one",
            "defs.yaml:15:19: push source 'driver_stats_push' names unknown batch_source 'driver_stats_sourc'; did you mean 'driver_stats_source'?",
            "defs.yaml:16:5: push source 'driver_stats_push' cannot have 'path': its views use the path, timestamp fields and field_mapping of its batch_source 'driver_stats_sourc'",
            "defs.yaml:30:32: feature 'acc_rate' of feature view 'driver_ratios' is float32, but feature 'acc_rate' of feature view 'driver_hourly_stats' is float64; both read column 'acc_rate' of push source 'driver_stats_push', and a pushed column has one type",
        ], problems.Select(p => p.ToString()));
    }

    [Fact]
    public async Task A_push_source_cannot_be_a_batch_source_and_needs_one()
    {
        var yaml = PushRepository.Definitions().Replace("feature_views:",
            "  - name: second_push\n    type: push\n    batch_source: driver_stats_push\n  - name: third_push\n    type: push\nfeature_views:");
        using var repo = await RepositoryAsync(yaml);

        var problems = (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems.Select(p => p.Message).ToArray();

        Assert.Contains("push source 'second_push' names push source 'driver_stats_push' as its batch_source; a batch_source must be a Parquet source (a push source cannot be one)", problems);
        Assert.Contains("source 'third_push' is missing required key 'batch_source'", problems);
        Assert.Equal(2, problems.Length);
    }

    [Fact]
    public async Task A_view_on_a_push_source_is_checked_against_the_batch_sources_files()
    {
        using var repo = await RepositoryAsync(PushRepository.Definitions().Replace("{name: avg_daily_trips, type: int64}", "{name: avg_trips, type: int64}"));

        var problem = Assert.Single((await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems);

        Assert.StartsWith("feature 'avg_trips' of feature view 'driver_hourly_stats' is not a column of source 'driver_stats_source'", problem.Message);
    }

    [Fact]
    public async Task An_unknown_source_type_is_named()
    {
        using var repo = await RepositoryAsync(PushRepository.Definitions().Replace("    type: push", "    type: pusj"));

        var problems = (await Assert.ThrowsAsync<DefinitionValidationException>(() => repo.LoadAsync())).Problems;

        Assert.Contains(problems, p => p.Message == "unknown type 'pusj' of source 'driver_stats_push'; did you mean 'push'?; a source is 'parquet' (the default) or 'push'");
    }

    [Fact]
    public async Task Apply_says_when_a_push_source_can_only_take_online_pushes()
    {
        using var repo = await RepositoryAsync(PushRepository.Definitions("data/driver_stats/part-0.parquet"));
        repo.Write("featurestore.yaml", TestRepository.DefaultConfig + "\nregistry: .featurestore/registry\n");

        var applied = await Cli.CliRunner.RunAsync("apply", "--repo", repo.Root);

        Assert.Equal(0, applied.ExitCode);
        Assert.Contains(
            "note: push source 'driver_stats_push' accepts online pushes only: batch source 'driver_stats_source' reads the single file " +
            "'data/driver_stats/part-0.parquet', and offline pushes add files: give it a folder or a glob", applied.Output);
        using var folder = await RepositoryAsync(PushRepository.Definitions());
        folder.Write("featurestore.yaml", TestRepository.DefaultConfig + "\nregistry: .featurestore/registry\n");
        Assert.DoesNotContain("note:", (await Cli.CliRunner.RunAsync("apply", "--repo", folder.Root)).Output);
    }

    private static async Task<TestRepository> RepositoryAsync(string yaml)
    {
        var repo = TestRepository.Create().Write(File, yaml);
        await PushRepository.WriteBatchFileAsync(Path.Combine(repo.Root, "data", "driver_stats", "part-0.parquet"));
        return repo;
    }
}
