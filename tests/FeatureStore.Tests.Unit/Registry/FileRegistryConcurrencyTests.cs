using System.Text.Json.Nodes;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Registry;

public sealed class FileRegistryConcurrencyTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string RegistryFolder => _temp.Combine("registry");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Parallel_applies_of_different_definitions_get_contiguous_versions_that_all_read_back()
    {
        const int writers = 8;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var applies = Enumerable.Range(1, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            // Separate instances, as separate hosts would have.
            return await new FileRegistry(RegistryFolder).ApplyAsync(SampleDefinitions.Numbered(i));
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(applies);

        Assert.All(results, r => Assert.True(r.Created));
        Assert.Equal(Enumerable.Range(1, writers), results.Select(r => r.Version.Number).Order());
        var versions = await new FileRegistry(RegistryFolder).ListVersionsAsync();
        Assert.Equal(Enumerable.Range(1, writers), versions.Select(v => v.Number));
        Assert.Equal(results.Select(r => r.Version.Hash).Order(), versions.Select(v => v.Hash).Order());
        // Each version's diff is relative to the one before it, whoever won the race.
        for (var n = 1; n < writers; n++)
        {
            var expected = RegistryDiffer.Diff(versions[n - 1].Definitions, versions[n].Definitions);
            Assert.Equal(DiffFormatter.FormatLines(expected), DiffFormatter.FormatLines(versions[n].Diff));
        }
        Assert.Equal(
            Enumerable.Range(1, writers).Select(n => $"{n:D6}.json"),
            Directory.EnumerateFileSystemEntries(Path.Combine(RegistryFolder, "versions")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task Parallel_applies_of_the_same_definitions_record_exactly_one_version()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => new FileRegistry(RegistryFolder).ApplyAsync(SampleDefinitions.Driver_example()))));

        Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(1, r.Version.Number));
        Assert.Single(await new FileRegistry(RegistryFolder).ListVersionsAsync());
    }

    [Fact]
    public async Task A_writer_that_cannot_get_the_lock_in_time_fails_clearly_and_changes_nothing()
    {
        var registry = new FileRegistry(RegistryFolder, lockTimeout: TimeSpan.FromMilliseconds(300));
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        // Another process holding the lock file, as 'featurestore apply' in a second terminal would.
        await using (await RegistryLock.AcquireFileAsync(Path.Combine(RegistryFolder, RegistryLock.FileName), TimeSpan.FromSeconds(5), default))
        {
            var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => registry.ApplyAsync(SampleDefinitions.Numbered(1)));
            Assert.Contains("busy", ex.Message);
            Assert.Contains("Nothing was changed", ex.Message);
            await Assert.ThrowsAsync<StoreUnavailableException>(() =>
                registry.RecordMaterializationAsync(new ViewMaterializationState("v", null, null, null, null, 0, TimeSpan.Zero)));
        }
        Assert.Single(await registry.ListVersionsAsync());
        Assert.Empty(await registry.GetMaterializationStateAsync());
    }

    [Fact]
    public async Task A_waiting_writer_applies_after_the_lock_holder_releases()
    {
        var registry = new FileRegistry(RegistryFolder);
        await registry.ApplyAsync(SampleDefinitions.Driver_example());
        var lockFile = await RegistryLock.AcquireFileAsync(Path.Combine(RegistryFolder, RegistryLock.FileName), TimeSpan.FromSeconds(5), default);
        var waiting = registry.ApplyAsync(SampleDefinitions.Numbered(1));
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await lockFile.DisposeAsync();
        var result = await waiting;

        Assert.True(result.Created);
        Assert.Equal(2, result.Version.Number);
    }

    [Fact]
    public async Task Lock_file_excludes_a_second_open_even_in_the_same_process()
    {
        var path = Path.Combine(_temp.Path, RegistryLock.FileName);
        await using var first = await RegistryLock.AcquireFileAsync(path, TimeSpan.FromSeconds(1), default);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => RegistryLock.AcquireFileAsync(path, TimeSpan.FromMilliseconds(100), default));
    }

    [Fact]
    public async Task Concurrent_materialization_records_of_different_views_are_all_kept()
    {
        var registry = new FileRegistry(RegistryFolder);
        var watermark = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            new FileRegistry(RegistryFolder).RecordMaterializationAsync(
                new ViewMaterializationState($"view_{i:D2}", watermark.AddHours(i), watermark, null, watermark.AddHours(i), i * 100, TimeSpan.FromSeconds(i))))));

        var states = await registry.GetMaterializationStateAsync();

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"view_{i:D2}"), states.Select(s => s.View));
        Assert.All(states, s => Assert.Equal(watermark.AddHours(int.Parse(s.View[5..])), s.Watermark));
        Assert.NotNull(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RegistryFolder, FileRegistry.MaterializationFileName))));
    }
}
