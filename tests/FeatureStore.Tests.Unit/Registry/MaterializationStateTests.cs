using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Registry;

public sealed class MaterializationStateTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string RegistryFolder => _temp.Combine("registry");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Recorded_state_reads_back_equal_in_utc_from_a_fresh_instance()
    {
        var local = TimeSpan.FromHours(2);
        var state = new ViewMaterializationState(
            "driver_hourly_stats",
            Watermark: new DateTimeOffset(2024, 5, 1, 12, 0, 0, local),
            LastRunAt: new DateTimeOffset(2024, 5, 1, 12, 0, 3, 250, local),
            LastRunStart: new DateTimeOffset(2024, 4, 30, 12, 0, 0, local),
            LastRunEnd: new DateTimeOffset(2024, 5, 1, 12, 0, 0, local),
            RowsWritten: 123_456_789_012,
            Duration: TimeSpan.FromMilliseconds(2_750));

        await new FileRegistry(RegistryFolder).RecordMaterializationAsync(state);
        var read = Assert.Single(await new FileRegistry(RegistryFolder).GetMaterializationStateAsync());

        Assert.Equal(state, read);
        Assert.Equal(TimeSpan.Zero, read.Watermark!.Value.Offset);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0), read.Watermark.Value.DateTime);
    }

    [Fact]
    public async Task Recording_a_view_again_replaces_only_that_view()
    {
        var registry = new FileRegistry(RegistryFolder);
        var t = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await registry.RecordMaterializationAsync(new ViewMaterializationState("b_view", t, t, null, t, 10, TimeSpan.FromSeconds(1)));
        await registry.RecordMaterializationAsync(new ViewMaterializationState("a_view", null, t, null, null, 0, TimeSpan.Zero));
        await registry.RecordMaterializationAsync(new ViewMaterializationState("b_view", t.AddDays(1), t.AddDays(1), t, t.AddDays(1), 20, TimeSpan.FromSeconds(2)));

        var states = await registry.GetMaterializationStateAsync();

        Assert.Equal(["a_view", "b_view"], states.Select(s => s.View));
        Assert.Null(states[0].Watermark);
        Assert.Equal(t.AddDays(1), states[1].Watermark);
        Assert.Equal(20, states[1].RowsWritten);
        Assert.Equal(["materialization.json", ".lock"], Directory.EnumerateFiles(RegistryFolder).Select(Path.GetFileName).OrderDescending());
    }
}
