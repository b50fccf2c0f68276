using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Quality;
using FeatureStore.Tests.Registry;

namespace FeatureStore.Tests.Quality;

public sealed class FileProfileStoreTests
{
    private static FeatureViewProfile Profile(string view, long rows) => new()
    {
        View = view, Subject = "test", ComputedAt = DateTimeOffset.UnixEpoch, RowCount = rows,
        Features = [new FeatureProfile { Name = "x", Type = FeatureType.Parse("float64"), Count = rows, Nulls = 0, Numeric = new NumericProfile { Min = double.NaN } }],
    };

    private static ProfileRun Run(string view, int minute) => new()
    {
        View = view, RanAt = DateTimeOffset.UnixEpoch.AddMinutes(minute), End = DateTimeOffset.UnixEpoch, Outcome = RunOutcome.Written,
        Profile = Profile(view, minute),
    };

    [Fact]
    public async Task The_history_keeps_the_newest_runs_of_each_view_up_to_its_bound()
    {
        using var folder = new TempFolder();
        var store = new FileProfileStore(folder.Path, historyLimit: 3);
        foreach (var minute in new[] { 5, 1, 4, 2, 3 })
        {
            await store.RecordRunAsync(Run("a", minute));
        }
        await store.RecordRunAsync(Run("b", 9));

        Assert.Equal([5L, 4L, 3L], (await store.ListRunsAsync("a", 10)).Select(r => r.Profile.RowCount));
        Assert.Equal([5L], (await store.ListRunsAsync("a", 1)).Select(r => r.Profile.RowCount));
        Assert.Single(await store.ListRunsAsync("b", 10));
        Assert.Empty(await store.ListRunsAsync("c", 10));
    }

    [Fact]
    public async Task Named_profiles_round_trip_and_bad_names_are_refused()
    {
        using var folder = new TempFolder();
        var store = new FileProfileStore(folder.Path);

        await store.SaveNamedAsync("baseline", Profile("a", 7));

        var read = await store.GetNamedAsync("a", "baseline");
        Assert.Equal(7, read!.RowCount);
        Assert.True(double.IsNaN(read.Features[0].Numeric!.Min!.Value));
        Assert.Null(await store.GetNamedAsync("a", "other"));
        Assert.Null(await store.GetNamedAsync("b", "baseline"));
        await Assert.ThrowsAsync<UserInputException>(() => store.SaveNamedAsync("../escape", Profile("a", 1)));
    }
}
