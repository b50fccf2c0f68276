using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using FeatureStore.DuckDb;
using FeatureStore.Tests.SampleData;

namespace FeatureStore.Tests.Cli;

/// <summary><c>featurestore init</c>: what it writes, what it refuses, and that what it writes works.</summary>
public sealed class InitCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-init-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<LoadedRepository> LoadAsync(string folder) =>
        RepositoryLoader.LoadAsync(folder, new DuckDbSourceSchemaReader(), null, _ => null, CancellationToken.None);

    [Fact]
    public async Task Driver_template_is_the_example_repository_with_sample_data_under_the_folders_project_name()
    {
        var folder = Path.Combine(_root, "Ride-Demo");

        var init = await CliRunner.RunAsync("init", folder);

        Assert.True(init.ExitCode == 0, init.Error);
        var written = await LoadAsync(folder);
        Assert.Equal("ride_demo", written.Definitions.Project);
        Assert.Equal(OnlineStoreTypes.Embedded, written.Config.OnlineStoreType);
        Assert.Equal(Path.Combine(folder, ".featurestore", "registry"), written.Config.RegistryPath);
        var example = ExampleRepository.CopyToTemp();
        try
        {
            Assert.Equal(0, (await CliRunner.RunAsync("sample-data", "--repo", example, "--drivers", "2", "--customers", "2", "--days", "1")).ExitCode);
            var original = (await LoadAsync(example)).Definitions with { Project = "ride_demo" };
            Assert.Equal(CanonicalDefinitions.ToJsonString(original), CanonicalDefinitions.ToJsonString(written.Definitions));
        }
        finally
        {
            Directory.Delete(example, recursive: true);
        }
        Assert.True(File.Exists(Path.Combine(folder, "data", "driver_stats.parquet")));
        Assert.True(File.Exists(Path.Combine(folder, "data", "customer_profile.parquet")));
        Assert.All(Directory.GetFiles(folder, "*.yaml"), file => Assert.StartsWith("#", File.ReadAllText(file)));
        Assert.Equal(
            [$"featurestore apply --repo {folder}", $"featurestore materialize-incremental --repo {folder} --end now", $"featurestore serve --repo {folder}"],
            init.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("featurestore ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Gitignore_covers_the_registry_the_embedded_store_the_data_and_logs_and_keeps_existing_entries()
    {
        var folder = Path.Combine(_root, "repo");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, ".gitignore"), "bin/\n*.log\n");

        var init = await CliRunner.RunAsync("init", folder, "--template", "empty", "--force");

        Assert.True(init.ExitCode == 0, init.Error);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(folder, ".gitignore"))).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal(["bin/", "*.log", ".featurestore/", "data/", "logs/"], lines);
    }

    [Fact]
    public async Task Empty_template_applies_as_a_repository_with_nothing_defined()
    {
        var folder = Path.Combine(_root, "blank");

        var init = await CliRunner.RunAsync("init", folder, "--template", "empty", "--project", "my_features");
        var apply = await CliRunner.RunAsync("apply", "--repo", folder);

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.Equal([".gitignore", "features.yaml", "featurestore.yaml"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(folder, "data")));
        Assert.True(apply.ExitCode == 0, apply.Error);
        var loaded = await LoadAsync(folder);
        Assert.Equal("my_features", loaded.Definitions.Project);
        Assert.Empty(loaded.Definitions.FeatureViews);
    }

    [Fact]
    public async Task Non_empty_folder_is_refused_without_force_and_nothing_is_written()
    {
        var folder = Path.Combine(_root, "taken");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "mine");

        var init = await CliRunner.RunAsync("init", folder);

        Assert.Equal(1, init.ExitCode);
        Assert.Contains("is not empty (it holds notes.txt)", init.Error);
        Assert.Contains("--force", init.Error);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--project", "Bad-Name", "--project 'Bad-Name' is not a project name")]
    [InlineData("--template", "fancy", "fancy")]
    public async Task Bad_project_or_template_is_refused_before_anything_is_written(string option, string value, string expected)
    {
        var folder = Path.Combine(_root, "new");

        var init = await CliRunner.RunAsync("init", folder, option, value);

        Assert.NotEqual(0, init.ExitCode);
        Assert.Contains(expected, init.Error);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Folder_name_that_makes_no_project_name_asks_for_one()
    {
        var init = await CliRunner.RunAsync("init", Path.Combine(_root, "2024"));

        Assert.Equal(1, init.ExitCode);
        Assert.Contains("give one with --project", init.Error);
    }
}
