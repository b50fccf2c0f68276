using System.Text.RegularExpressions;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Cli;
using FeatureStore.Tests.Loading;

namespace FeatureStore.Tests.Registry;

/// <summary>Separate <c>featurestore apply</c> processes racing on one registry folder, as two terminals or CI jobs would.</summary>
public sealed partial class RegistryProcessConcurrencyTests : IDisposable
{
    private readonly TestRepository _one = TestRepository.Create();
    private readonly TestRepository _two = TestRepository.Create();
    private readonly TempFolder _shared = new();

    public void Dispose()
    {
        _one.Dispose();
        _two.Dispose();
        _shared.Dispose();
    }

    [Fact]
    public async Task Concurrent_apply_processes_never_corrupt_the_registry()
    {
        _one.Write("driver.yaml", TestRepository.DriverDefinitions);
        await _one.WriteDriverParquetAsync();
        _two.Write("driver.yaml", TestRepository.DriverDefinitions.Replace("ttl: 1d", "ttl: 2d"));
        await _two.WriteDriverParquetAsync();
        var registryFolder = _shared.Combine("registry");

        // Both repositories share one registry; their definitions differ, so whichever wins, the other applies after it.
        var runs = await Task.WhenAll(new[] { _one, _two }.Select(r => RunApplyProcessAsync(r.Root, registryFolder)));

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}"));
        var applied = runs.Select(run => AppliedPattern().Match(run.Output)).Select(m => m.Success ? int.Parse(m.Groups[1].Value) : 0);
        Assert.Equal([1, 2], applied.Order());
        var versions = await new FileRegistry(registryFolder).ListVersionsAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        var hashes = new List<string>();
        foreach (var repository in new[] { _one, _two })
        {
            hashes.Add(CanonicalDefinitions.Hash((await repository.LoadAsync()).Definitions));
        }
        Assert.Equal(hashes.Order(), versions.Select(v => v.Hash).Order());
        // The second version's diff is against the first, whichever process won.
        Assert.Equal(["~ feature view driver_hourly_stats", $"    ~ ttl: {(versions[0].Hash == hashes[0] ? "1d -> 2d" : "2d -> 1d")}"], DiffFormatter.FormatLines(versions[1].Diff));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunApplyProcessAsync(string repository, string registryFolder)
    {
        var run = await ChildProcess.RunCliAsync(["apply", "--repo", repository], new Dictionary<string, string> { ["FEATURESTORE_REGISTRY"] = registryFolder });
        return (run.ExitCode, run.Output, run.Error);
    }

    [GeneratedRegex(@"^Applied version (\d+) \(hash [0-9a-f]{12}\): ", RegexOptions.Multiline)]
    private static partial Regex AppliedPattern();
}
