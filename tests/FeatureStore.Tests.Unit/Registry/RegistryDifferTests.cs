using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Registry;

public sealed class RegistryDifferTests
{
    private static readonly DefinitionSet Before = SampleDefinitions.Driver_example();

    [Fact]
    public void Everything_is_added_when_nothing_was_applied()
    {
        var diff = RegistryDiffer.Diff(null, Before);

        Assert.Equal(
            [
                "+ entity customer",
                "+ entity driver",
                "+ source driver_stats_source",
                "+ feature view driver_hourly_stats",
                "+ feature service driver_activity_v1",
            ],
            DiffFormatter.FormatLines(diff));
        Assert.Equal("+2 entities, +1 source, +1 feature view, +1 feature service", DiffFormatter.Summarize(diff));
    }

    [Fact]
    public void Identical_definitions_in_another_order_have_an_empty_diff()
    {
        var shuffled = Before with { Entities = Before.Entities.Reverse().ToArray() };
        var diff = RegistryDiffer.Diff(Before, shuffled);
        Assert.True(diff.IsEmpty);
        Assert.Equal("no changes", DiffFormatter.Summarize(diff));
    }

    [Fact]
    public void Changed_feature_view_lists_features_added_removed_retyped_and_redescribed()
    {
        var view = SampleDefinitions.DriverStats;
        var after = Before with
        {
            FeatureViews =
            [
                view with
                {
                    Ttl = TimeSpan.FromDays(2),
                    Online = false,
                    Entities = ["driver", "customer"],
                    Tags = SampleDefinitions.Map(("team", "ranking")),
                    Description = null,
                    Features =
                    [
                        new FeatureDefinition { Name = "conv_rate", Type = FeatureType.Parse("float64"), Description = "Conversion rate" },
                        new FeatureDefinition { Name = "avg_daily_trips", Type = FeatureType.Parse("int64"), Description = "Trips per day" },
                        view.Features[3],
                        new FeatureDefinition { Name = "trips_today", Type = FeatureType.Parse("int32") },
                    ],
                },
            ],
        };

        var diff = RegistryDiffer.Diff(Before, after);

        Assert.Equal(
            [
                "~ feature view driver_hourly_stats",
                "    - description: Hourly driver statistics",
                "    ~ entities: [driver] -> [driver, customer]",
                "    - features.acc_rate: float32",
                "    + features.avg_daily_trips.description: Trips per day",
                "    ~ features.conv_rate.type: float32 -> float64",
                "    + features.trips_today: int32",
                "    ~ online: true -> false",
                "    ~ tags: {team: driver_performance} -> {team: ranking}",
                "    ~ ttl: 1d -> 2d",
            ],
            DiffFormatter.FormatLines(diff));
        Assert.Equal("~1 feature view (description, entities, features, online, tags, ttl)", DiffFormatter.Summarize(diff));
        var retyped = diff.Changes.Single().Fields.Single(f => f.Field == "features.conv_rate.type");
        Assert.Equal(new FieldChange("features.conv_rate.type", "float32", "float64"), retyped);
    }

    [Fact]
    public void Reordered_features_are_a_change_of_the_feature_list()
    {
        var view = SampleDefinitions.DriverStats;
        var after = Before with { FeatureViews = [view with { Features = [view.Features[1], view.Features[0], view.Features[2], view.Features[3]] }] };

        var diff = RegistryDiffer.Diff(Before, after);

        Assert.Equal(
            [
                "~ feature view driver_hourly_stats",
                "    ~ features: [conv_rate, acc_rate, avg_daily_trips, embedding] -> [acc_rate, conv_rate, avg_daily_trips, embedding]",
            ],
            DiffFormatter.FormatLines(diff));
    }

    [Fact]
    public void Changed_entity_source_and_service_list_their_fields()
    {
        var after = Before with
        {
            Entities = [SampleDefinitions.Driver with { JoinKey = "driver_key", ValueType = FeatureType.Parse("string") }, SampleDefinitions.Customer],
            Sources =
            [
                SampleDefinitions.DriverSource with
                {
                    Path = "data/drivers/",
                    TimestampField = "ts",
                    CreatedTimestampField = null,
                    FieldMapping = SampleDefinitions.Map(("trips", "avg_daily_trips")),
                },
            ],
            FeatureServices = [SampleDefinitions.Service with { Features = ["driver_hourly_stats"], Owner = "ranking@example.com" }],
        };

        var diff = RegistryDiffer.Diff(Before, after);

        Assert.Equal(
            [
                "~ entity driver",
                "    ~ join_key: driver_id -> driver_key",
                "    ~ value_type: int64 -> string",
                "~ source driver_stats_source",
                "    - created_timestamp_field: created",
                "    ~ field_mapping: {trips_today: avg_daily_trips} -> {trips: avg_daily_trips}",
                "    ~ path: data/driver_stats.parquet -> data/drivers/",
                "    ~ timestamp_field: event_timestamp -> ts",
                "~ feature service driver_activity_v1",
                "    ~ features: [driver_hourly_stats:conv_rate, driver_hourly_stats:acc_rate] -> [driver_hourly_stats]",
                "    + owner: ranking@example.com",
            ],
            DiffFormatter.FormatLines(diff));
        Assert.Equal(
            "~1 entity (join_key, value_type), ~1 source (created_timestamp_field, field_mapping, path, timestamp_field), ~1 feature service (features, owner)",
            DiffFormatter.Summarize(diff));
    }

    [Fact]
    public void Added_changed_and_removed_objects_are_ordered_by_kind_then_name()
    {
        var after = Before with
        {
            Entities = [SampleDefinitions.Driver],
            FeatureViews = [SampleDefinitions.DriverStats with { Ttl = TimeSpan.FromHours(36) }, SampleDefinitions.DriverStats with { Name = "a_new_view" }],
            FeatureServices = [],
        };

        var diff = RegistryDiffer.Diff(Before, after);

        Assert.Equal(
            [
                "- entity customer",
                "+ feature view a_new_view",
                "~ feature view driver_hourly_stats",
                "    ~ ttl: 1d -> 36h",
                "- feature service driver_activity_v1",
            ],
            DiffFormatter.FormatLines(diff));
        Assert.Equal("+1 feature view, ~1 feature view (ttl), -1 entity, -1 feature service", DiffFormatter.Summarize(diff));
    }

    [Fact]
    public void A_ttl_of_zero_reads_as_none()
    {
        var after = Before with { FeatureViews = [SampleDefinitions.DriverStats with { Ttl = TimeSpan.Zero }] };
        Assert.Equal("    ~ ttl: 1d -> none", DiffFormatter.FormatLines(RegistryDiffer.Diff(Before, after))[1]);
    }

    [Fact]
    public void Diff_is_empty_exactly_when_the_hash_is_unchanged()
    {
        var view = SampleDefinitions.DriverStats;
        DefinitionSet[] variants =
        [
            Before,
            Before with { Entities = [SampleDefinitions.Driver with { Owner = "x" }, SampleDefinitions.Customer] },
            Before with { Entities = [SampleDefinitions.Driver with { Tags = SampleDefinitions.Map(("k", "v")) }, SampleDefinitions.Customer] },
            Before with { Sources = [SampleDefinitions.DriverSource with { Description = "d" }] },
            Before with { FeatureViews = [view with { Source = "other" }] },
            Before with { FeatureViews = [view with { Owner = null }] },
            Before with { FeatureViews = [view with { Features = [.. view.Features.Take(3), view.Features[3] with { Tags = SampleDefinitions.Map(("pii", "no")) }] }] },
            Before with { FeatureViews = [view with { Features = view.Features.Reverse().ToArray() }] },
            Before with { FeatureServices = [SampleDefinitions.Service with { Description = null }] },
        ];
        foreach (var a in variants)
        {
            foreach (var b in variants)
            {
                var sameHash = CanonicalDefinitions.Hash(a) == CanonicalDefinitions.Hash(b);
                Assert.Equal(sameHash, RegistryDiffer.Diff(a, b).IsEmpty);
            }
        }
    }
}
