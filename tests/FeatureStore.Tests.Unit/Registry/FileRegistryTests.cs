using System.Text.Json.Nodes;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Registry;

public sealed class FileRegistryTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string RegistryFolder => _temp.Combine(".featurestore", "registry");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Empty_registry_has_no_current_version_and_no_history()
    {
        var registry = new FileRegistry(RegistryFolder);
        Assert.Null(await registry.GetCurrentAsync());
        Assert.Empty(await registry.ListVersionsAsync());
        Assert.Empty(await registry.GetMaterializationStateAsync());
        Assert.False(Directory.Exists(RegistryFolder));
        var ex = await Assert.ThrowsAsync<UserInputException>(() => registry.RequireCurrentAsync());
        Assert.Contains("featurestore apply", ex.Message);
    }

    [Fact]
    public async Task A_truncated_newest_version_names_the_file_and_moving_it_aside_recovers()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        await registry.ApplyAsync(SampleDefinitions.Driver_example() with { FeatureServices = [] });
        var newest = Path.Combine(RegistryFolder, "versions", "000002.json");
        await File.WriteAllTextAsync(newest, "{\"format\": 1, \"num");

        var error = await Assert.ThrowsAsync<RegistryDamagedException>(() => new FileRegistry(RegistryFolder).GetCurrentAsync());

        Assert.Equal(newest, error.Path);
        Assert.Contains(newest, error.Message);
        Assert.Contains("move that file out of the registry folder", error.Message);
        File.Move(newest, _temp.Combine("000002.json.damaged"));
        Assert.Equal(1, (await new FileRegistry(RegistryFolder).GetCurrentAsync())!.Number);
        Assert.Equal(2, (await new FileRegistry(RegistryFolder).ApplyAsync(SampleDefinitions.Driver_example() with { FeatureServices = [] })).Version.Number);
    }

    [Fact]
    public async Task Apply_creates_version_1_with_time_hash_diff_and_definitions()
    {
        var registry = new FileRegistry(RegistryFolder);
        var before = DateTimeOffset.UtcNow;

        var result = await registry.ApplyAsync(SampleDefinitions.Driver_example());

        Assert.True(result.Created);
        Assert.Equal(1, result.Version.Number);
        Assert.Equal(CanonicalDefinitions.Hash(SampleDefinitions.Driver_example()), result.Version.Hash);
        Assert.InRange(result.Version.AppliedAt, before, DateTimeOffset.UtcNow);
        Assert.Equal(TimeSpan.Zero, result.Version.AppliedAt.Offset);
        Assert.True(File.Exists(Path.Combine(RegistryFolder, "versions", "000001.json")));

        // A fresh instance (another process) reads the same version back from disk.
        var current = await new FileRegistry(RegistryFolder).GetCurrentAsync();
        Assert.NotNull(current);
        Assert.Equal(1, current.Number);
        Assert.Equal(result.Version.Hash, current.Hash);
        Assert.Equal(result.Version.AppliedAt, current.AppliedAt);
        Assert.Equal(CanonicalDefinitions.ToJsonString(SampleDefinitions.Driver_example()), CanonicalDefinitions.ToJsonString(current.Definitions));
        Assert.Equal(DiffFormatter.FormatLines(result.Version.Diff), DiffFormatter.FormatLines(current.Diff));
        Assert.Equal(5, current.Diff.Changes.Count);
    }

    [Fact]
    public async Task Reapplying_identical_definitions_records_no_new_version()
    {
        var registry = new FileRegistry(RegistryFolder);
        var first = await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var shuffled = SampleDefinitions.Driver_example() with { Entities = SampleDefinitions.Driver_example().Entities.Reverse().ToArray() };

        var again = await registry.ApplyAsync(shuffled);

        Assert.False(again.Created);
        Assert.Equal(1, again.Version.Number);
        Assert.Equal(first.Version.Hash, again.Version.Hash);
        Assert.Single(await registry.ListVersionsAsync());
        Assert.True((await registry.PlanAsync(shuffled)).IsEmpty);
    }

    [Fact]
    public async Task Each_change_records_the_next_version_with_its_diff()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var changed = SampleDefinitions.Driver_example() with
        {
            FeatureViews = [SampleDefinitions.DriverStats with { Ttl = TimeSpan.FromDays(2) }],
        };

        var plan = await registry.PlanAsync(changed);
        Assert.Single(await registry.ListVersionsAsync());
        var result = await registry.ApplyAsync(changed);

        Assert.True(result.Created);
        Assert.Equal(2, result.Version.Number);
        Assert.Equal(["~ feature view driver_hourly_stats", "    ~ ttl: 1d -> 2d"], DiffFormatter.FormatLines(plan));
        var versions = await new FileRegistry(RegistryFolder).ListVersionsAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        Assert.Equal(DiffFormatter.FormatLines(plan), DiffFormatter.FormatLines(versions[1].Diff));
        Assert.Equal(TimeSpan.FromDays(2), versions[1].Definitions.GetFeatureView("driver_hourly_stats").Ttl);
        Assert.Equal(TimeSpan.FromDays(1), versions[0].Definitions.GetFeatureView("driver_hourly_stats").Ttl);

        // Going back to the first definitions is a change too: it gets version 3, history is never rewritten.
        var back = await registry.ApplyAsync(SampleDefinitions.Driver_example());
        Assert.Equal(3, back.Version.Number);
        Assert.Equal(versions[0].Hash, back.Version.Hash);
    }

    [Fact]
    public async Task Version_file_is_readable_json_with_number_time_hash_summary_diff_and_definitions()
    {
        var registry = new FileRegistry(RegistryFolder);
        var result = await registry.ApplyAsync(SampleDefinitions.Driver_example());

        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RegistryFolder, "versions", "000001.json")))!;

        Assert.Equal(1, file["number"]!.GetValue<int>());
        Assert.Equal(result.Version.Hash, file["hash"]!.GetValue<string>());
        Assert.EndsWith("+00:00", file["applied_at"]!.GetValue<string>());
        Assert.Equal("+2 entities, +1 source, +1 feature view, +1 feature service", file["summary"]!.GetValue<string>());
        Assert.Equal("added", file["diff"]!["changes"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("feature_view", file["diff"]!["changes"]![3]!["kind"]!.GetValue<string>());
        Assert.Equal("float32", file["definitions"]!["feature_views"]![0]!["features"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_version_file_edited_by_hand_is_reported_as_damaged()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var path = Path.Combine(RegistryFolder, "versions", "000001.json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("driver_id", "driver_key"));

        var ex = await Assert.ThrowsAsync<RegistryDamagedException>(() => new FileRegistry(RegistryFolder).GetCurrentAsync());
        Assert.Contains("000001.json", ex.Message);
        Assert.Contains("damaged", ex.Message);
    }

    [Fact]
    public async Task Definitions_of_another_project_are_refused_and_change_nothing()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var other = SampleDefinitions.Driver_example() with { Project = "fraud" };

        var ex = await Assert.ThrowsAsync<UserInputException>(() => registry.ApplyAsync(other));
        Assert.Contains("'driver_ranking'", ex.Message);
        Assert.Contains("'fraud'", ex.Message);
        await Assert.ThrowsAsync<UserInputException>(() => registry.PlanAsync(other));
        Assert.Single(await registry.ListVersionsAsync());
    }

    [Fact]
    public async Task Failed_write_leaves_the_previous_version_current_and_no_stray_files()
    {
        var registry = new FileRegistry(RegistryFolder);
        var first = await registry.ApplyAsync(SampleDefinitions.Driver_example());
        // A real I/O failure: something (here a folder) already occupies the next version's file name.
        var blocker = Path.Combine(RegistryFolder, "versions", "000002.json");
        Directory.CreateDirectory(blocker);

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => registry.ApplyAsync(SampleDefinitions.Numbered(1)));

        Assert.Contains("000002.json", ex.Message);
        Assert.Contains("Nothing was applied", ex.Message);
        var reader = new FileRegistry(RegistryFolder);
        var current = await reader.GetCurrentAsync();
        Assert.Equal(1, current!.Number);
        Assert.Equal(first.Version.Hash, current.Hash);
        Assert.Single(await reader.ListVersionsAsync());
        Assert.Equal(["000001.json", "000002.json"], Directory.EnumerateFileSystemEntries(Path.Combine(RegistryFolder, "versions")).Select(Path.GetFileName).Order());

        // Once the obstacle is gone the same apply succeeds as version 2.
        Directory.Delete(blocker);
        Assert.Equal(2, (await registry.ApplyAsync(SampleDefinitions.Numbered(1))).Version.Number);
    }

    [Fact]
    public async Task Cancelled_apply_records_nothing_and_leaves_no_temporary_file()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registry.ApplyAsync(SampleDefinitions.Numbered(1), cancelled.Token));

        Assert.Equal(1, (await registry.GetCurrentAsync())!.Number);
        Assert.Equal(["000001.json"], Directory.EnumerateFileSystemEntries(Path.Combine(RegistryFolder, "versions")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Leftover_temporary_files_from_a_killed_apply_do_not_disturb_reading_or_applying()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var versions = Path.Combine(RegistryFolder, "versions");
        await File.WriteAllTextAsync(Path.Combine(versions, ".000002.json.0123456789abcdef.tmp"), "{ half a fi");
        await File.WriteAllTextAsync(Path.Combine(versions, "notes.txt"), "not a version");

        Assert.Equal(1, (await registry.GetCurrentAsync())!.Number);
        Assert.Equal(2, (await registry.ApplyAsync(SampleDefinitions.Numbered(1))).Version.Number);
        Assert.Equal([1, 2], (await new FileRegistry(RegistryFolder).ListVersionsAsync()).Select(v => v.Number));
    }

    [Fact]
    public void Registry_folder_must_be_absolute()
    {
        Assert.Throws<ArgumentException>(() => new FileRegistry("relative/registry"));
        var config = new RepositoryConfig { Root = _temp.Path, Project = "p", RegistryPath = RegistryFolder };
        Assert.Equal(RegistryFolder, FileRegistry.ForConfig(config).Folder);
    }
}
