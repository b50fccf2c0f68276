using FeatureStore.Core.Registry;
using FeatureStore.Server.Catalog;
using FeatureStore.Tests.Registry;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

/// <summary>The catalog read from a real file registry follows applies and materialization runs as they happen.</summary>
public sealed class RegistryCatalogSourceTests
{
    [Fact]
    public async Task Catalog_shows_a_new_apply_and_a_new_materialization_on_the_next_request()
    {
        using var folder = new TempFolder();
        var registry = new FileRegistry(folder.Combine("registry"));
        var source = new RegistryCatalogSource(registry);

        var empty = await source.GetCatalogAsync(CancellationToken.None);
        await registry.ApplyAsync(Rides());
        var first = await source.GetCatalogAsync(CancellationToken.None);
        var unchanged = await source.GetCatalogAsync(CancellationToken.None);
        var changed = Rides() with
        {
            FeatureViews = Rides().FeatureViews.Select(v => v.Name == "conv" ? v with { Description = "Funnel counters" } : v).ToArray(),
        };
        await registry.ApplyAsync(changed);
        var second = await source.GetCatalogAsync(CancellationToken.None);
        await registry.RecordMaterializationAsync(new ViewMaterializationState("conv", T0, T0, T0.AddDays(-1), T0, 7, TimeSpan.FromSeconds(1)));
        var materialized = await source.GetCatalogAsync(CancellationToken.None);

        Assert.Null(empty.CurrentVersion);
        Assert.Equal(1, first.CurrentVersion!.Number);
        Assert.Same(first, unchanged);
        Assert.Equal(2, second.CurrentVersion!.Number);
        Assert.Equal(2, second.GetFeatureView("conv").LastChangedIn!.Number);
        Assert.Equal(1, second.GetFeatureView("driver_hourly_stats").LastChangedIn!.Number);
        Assert.Null(second.GetFeatureView("conv").Freshness);
        Assert.Equal(7, materialized.GetFeatureView("conv").Freshness!.State.RowsWritten);
    }
}
