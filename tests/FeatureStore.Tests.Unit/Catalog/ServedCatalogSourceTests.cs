using FeatureStore.Core.Registry;
using FeatureStore.Server.Catalog;
using FeatureStore.Server.Registry;
using FeatureStore.Tests.Registry;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

/// <summary>The server's catalog describes the registry version being served, not one the watcher has yet to swap in.</summary>
public sealed class ServedCatalogSourceTests
{
    [Fact]
    public async Task Catalog_follows_the_served_version_and_hides_history_beyond_it()
    {
        using var folder = new TempFolder();
        var registry = new FileRegistry(folder.Combine("registry"));
        var first = (await registry.ApplyAsync(Rides())).Version;
        var changed = Rides() with
        {
            FeatureViews = Rides().FeatureViews.Select(v => v.Name == "conv" ? v with { Owner = "funnel@example.com" } : v).ToArray(),
        };
        var second = (await registry.ApplyAsync(changed)).Version;
        var active = new ActiveDefinitions("rides");
        var source = new ServedCatalogSource(active, registry);

        var beforeLoad = await source.GetCatalogAsync(CancellationToken.None);
        active.TryApply(first);
        var servingFirst = await source.GetCatalogAsync(CancellationToken.None);
        await registry.RecordMaterializationAsync(new ViewMaterializationState("conv", T0, T0, T0.AddDays(-1), T0, 3, TimeSpan.FromSeconds(1)));
        var afterRun = await source.GetCatalogAsync(CancellationToken.None);
        active.TryApply(second);
        var servingSecond = await source.GetCatalogAsync(CancellationToken.None);

        Assert.Null(beforeLoad.CurrentVersion);
        Assert.Empty(beforeLoad.ListFeatureViews().Items);
        Assert.Equal([1], servingFirst.ListVersions().Items.Select(v => v.Number));
        Assert.Equal("growth@example.com", servingFirst.GetFeatureView("conv").View.Owner);
        Assert.Equal(3, afterRun.GetFeatureView("conv").Freshness!.State.RowsWritten);
        Assert.Equal([2, 1], servingSecond.ListVersions().Items.Select(v => v.Number));
        Assert.Equal("funnel@example.com", servingSecond.GetFeatureView("conv").View.Owner);
        Assert.Equal(2, servingSecond.GetFeatureView("conv").LastChangedIn!.Number);
    }
}
