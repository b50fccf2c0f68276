using FeatureStore.Core.Catalog;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;
using static FeatureStore.Tests.Catalog.CatalogTestData;

namespace FeatureStore.Tests.Catalog;

public sealed class CatalogDetailTests
{
    [Fact]
    public void Feature_view_detail_has_schema_entities_source_and_users()
    {
        var detail = CatalogOf(Rides()).GetFeatureView("driver_hourly_stats");

        Assert.Equal(
            [("conv_rate", "float32", "Conversion rate"), ("acc_rate", "float32", "Acceptance rate"), ("avg_daily_trips", "int64", "Average trips per day")],
            detail.View.Features.Select(f => (f.Name, f.Type.ToString(), f.Description)));
        Assert.Equal([("driver", "driver_id")], detail.Entities.Select(e => (e.Name, e.JoinKey)));
        Assert.Equal("data/driver_stats.parquet", detail.Source.Path);
        Assert.Equal("event_timestamp", detail.Source.TimestampField);
        Assert.Equal("conv_rate", detail.Source.FieldMapping["conv"]);
        Assert.Equal(TimeSpan.FromDays(1), detail.View.Ttl);
        Assert.Equal("driver-team@example.com", detail.View.Owner);
        Assert.Equal(["driver_activity_v1"], detail.UsedByServices);
        Assert.Null(detail.Freshness);
    }

    [Theory]
    [InlineData("entity")]
    [InlineData("feature view")]
    [InlineData("feature service")]
    public void Unknown_names_throw_not_found_naming_them(string kind)
    {
        var catalog = CatalogOf(Rides());
        Action get = kind switch
        {
            "entity" => () => catalog.GetEntity("rider"),
            "feature view" => () => catalog.GetFeatureView("rider"),
            _ => () => catalog.GetFeatureService("rider"),
        };

        var error = Assert.Throws<NotFoundException>(get);
        Assert.Contains($"Unknown {kind} 'rider'", error.Message);
    }

    [Fact]
    public void Not_found_suggests_similar_names()
    {
        var error = Assert.Throws<NotFoundException>(() => CatalogOf(Rides()).GetFeatureView("driver_hourly"));

        Assert.Contains("'driver_hourly_stats'", error.Message);
    }

    [Fact]
    public void Freshness_comes_from_the_materialization_state_and_is_stale_past_the_ttl()
    {
        var state = new ViewMaterializationState("driver_hourly_stats", T0, T0.AddMinutes(5), T0.AddDays(-1), T0, 1234, TimeSpan.FromSeconds(3));
        var freshness = CatalogOf(Rides(), state).GetFeatureView("driver_hourly_stats").Freshness!;

        Assert.Equal(1234, freshness.State.RowsWritten);
        Assert.Equal(TimeSpan.FromHours(3), freshness.AgeAt(T0.AddHours(3)));
        Assert.False(freshness.IsStaleAt(T0.AddHours(3), TimeSpan.FromDays(1)));
        Assert.True(freshness.IsStaleAt(T0.AddDays(2), TimeSpan.FromDays(1)));
        Assert.False(freshness.IsStaleAt(T0.AddDays(200), TimeSpan.Zero));
    }

    [Fact]
    public void Last_changed_version_is_the_newest_version_whose_diff_changed_the_view()
    {
        var v1 = Rides();
        var v2 = v1 with
        {
            FeatureViews = v1.FeatureViews.Select(v => v.Name == "customer_profile" ? v with { Description = "Customer profile, daily" } : v).ToArray(),
        };
        var v3 = v2 with
        {
            FeatureViews = v2.FeatureViews.Select(v => v.Name == "driver_hourly_stats" ? v with { Ttl = TimeSpan.FromHours(6) } : v).ToArray(),
        };
        var v4 = v3 with { FeatureServices = v3.FeatureServices.Take(1).ToArray() };
        var versions = new[]
        {
            Version(1, v1),
            Version(2, v2, new ObjectChange(ObjectKind.FeatureView, "customer_profile", ChangeType.Changed, [new FieldChange("description", "Customer profile", "Customer profile, daily")])),
            Version(3, v3, new ObjectChange(ObjectKind.FeatureView, "driver_hourly_stats", ChangeType.Changed, [new FieldChange("ttl", "1d", "6h")])),
            Version(4, v4, new ObjectChange(ObjectKind.FeatureService, "growth_v2", ChangeType.Removed, [])),
        };
        var catalog = new FeatureCatalog(new CatalogSnapshot(versions[^1], versions, []));

        Assert.Equal(3, catalog.GetFeatureView("driver_hourly_stats").LastChangedIn!.Number);
        Assert.Equal(2, catalog.GetFeatureView("customer_profile").LastChangedIn!.Number);
        Assert.Equal(1, catalog.GetFeatureView("conv").LastChangedIn!.Number);
        Assert.Equal(T0.AddHours(3), catalog.GetFeatureView("driver_hourly_stats").LastChangedIn!.AppliedAt);
    }

    [Fact]
    public void Last_changed_version_detects_changes_a_diff_left_out()
    {
        var v1 = Rides();
        var v2 = v1 with
        {
            FeatureViews = v1.FeatureViews.Select(v => v.Name == "conv" ? v with { Features = [Feature("conv_events", "int32")] } : v).ToArray(),
        };
        var versions = new[] { Version(1, v1), Version(2, v2) };

        var catalog = new FeatureCatalog(new CatalogSnapshot(versions[^1], versions, []));

        Assert.Equal(2, catalog.GetFeatureView("conv").LastChangedIn!.Number);
        Assert.Equal(1, catalog.GetFeatureView("driver_hourly_stats").LastChangedIn!.Number);
    }

    [Fact]
    public void Tag_order_alone_is_not_a_change()
    {
        var v1 = Rides();
        var v2 = v1 with
        {
            FeatureViews = v1.FeatureViews.Select(v => v.Name == "driver_conversions_daily"
                ? v with { Tags = new Dictionary<string, string> { ["tier"] = "gold", ["team"] = "driver_performance" } }
                : v).ToArray(),
        };
        var versions = new[] { Version(1, v1), Version(2, v2) };

        var catalog = new FeatureCatalog(new CatalogSnapshot(versions[^1], versions, []));

        Assert.Equal(1, catalog.GetFeatureView("driver_conversions_daily").LastChangedIn!.Number);
    }

    [Fact]
    public void Versions_are_listed_newest_first_with_their_diffs_and_page()
    {
        var change = new ObjectChange(ObjectKind.Entity, "driver", ChangeType.Added, []);
        var versions = Enumerable.Range(1, 5).Select(n => Version(n, Rides(), change)).ToArray();
        var catalog = new FeatureCatalog(new CatalogSnapshot(versions[^1], versions, []));

        var first = catalog.ListVersions(new PageRequest(2));
        var second = catalog.ListVersions(new PageRequest(2, first.NextPageToken));
        var third = catalog.ListVersions(new PageRequest(2, second.NextPageToken));

        Assert.Equal([5, 4], first.Items.Select(v => v.Number));
        Assert.Equal([3, 2], second.Items.Select(v => v.Number));
        Assert.Equal([1], third.Items.Select(v => v.Number));
        Assert.Null(third.NextPageToken);
        Assert.Equal(change, first.Items[0].Diff.Changes.Single());
    }
}
