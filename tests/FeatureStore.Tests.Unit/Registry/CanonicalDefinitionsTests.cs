using System.Text.Json.Nodes;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Registry;

public sealed class CanonicalDefinitionsTests
{
    [Fact]
    public void Hash_ignores_the_order_of_objects_and_of_map_keys()
    {
        var secondView = SampleDefinitions.DriverStats with { Name = "second_view" };
        var a = SampleDefinitions.Driver_example() with
        {
            FeatureViews = [SampleDefinitions.DriverStats with { Tags = SampleDefinitions.Map(("a", "2"), ("z", "1")) }, secondView],
        };
        var b = a with
        {
            Entities = a.Entities.Reverse().ToArray(),
            // A plain dictionary enumerates in insertion order: z before a.
            FeatureViews = [secondView, SampleDefinitions.DriverStats with { Tags = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" } }],
        };

        Assert.NotEqual(a.Entities[0], b.Entities[0]);
        Assert.Equal(CanonicalDefinitions.Hash(a), CanonicalDefinitions.Hash(b));
        Assert.Equal(CanonicalDefinitions.ToJsonString(a), CanonicalDefinitions.ToJsonString(b));
        Assert.Matches("^[0-9a-f]{64}$", CanonicalDefinitions.Hash(a));
        Assert.NotEqual(CanonicalDefinitions.Hash(a), CanonicalDefinitions.Hash(a with { FeatureViews = [secondView] }));
    }

    [Fact]
    public void Hash_ignores_where_an_object_was_defined()
    {
        var a = SampleDefinitions.Driver_example();
        var located = a with { Entities = [SampleDefinitions.Driver with { Location = new SourceLocation("entities.yaml", 3, 5) }, SampleDefinitions.Customer] };
        Assert.Equal(CanonicalDefinitions.Hash(a), CanonicalDefinitions.Hash(located));
    }

    [Fact]
    public void Hash_changes_when_feature_order_or_composite_key_order_changes()
    {
        var a = SampleDefinitions.Driver_example();
        var reordered = a with { FeatureViews = [SampleDefinitions.DriverStats with { Features = SampleDefinitions.DriverStats.Features.Reverse().ToArray() }] };
        var twoKeys = a with { FeatureViews = [SampleDefinitions.DriverStats with { Entities = ["driver", "customer"] }] };
        var twoKeysSwapped = a with { FeatureViews = [SampleDefinitions.DriverStats with { Entities = ["customer", "driver"] }] };

        Assert.NotEqual(CanonicalDefinitions.Hash(a), CanonicalDefinitions.Hash(reordered));
        Assert.NotEqual(CanonicalDefinitions.Hash(twoKeys), CanonicalDefinitions.Hash(twoKeysSwapped));
    }

    [Fact]
    public void Json_spells_types_and_names_like_the_yaml_and_ttl_in_seconds()
    {
        var json = CanonicalDefinitions.ToJson(SampleDefinitions.Driver_example());
        var view = json["feature_views"]![0]!;

        Assert.Equal(86400, view["ttl"]!.GetValue<long>());
        Assert.Equal("float32", view["features"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("list<float32>", view["features"]![3]!["type"]!.GetValue<string>());
        Assert.Equal("driver_id", json["entities"]![1]!["join_key"]!.GetValue<string>());
        Assert.Equal("customer", json["entities"]![0]!["name"]!.GetValue<string>());
        Assert.Contains("\"list<float32>\"", CanonicalDefinitions.ToJsonString(SampleDefinitions.Driver_example()));
        Assert.Null(json["entities"]![0]!["description"]);
        Assert.Null(json["entities"]![0]!["tags"]);
    }

    [Fact]
    public void Json_round_trip_gives_back_equal_definitions()
    {
        var original = SampleDefinitions.Driver_example() with
        {
            FeatureViews = [SampleDefinitions.DriverStats with { Ttl = TimeSpan.FromMilliseconds(1500), Online = false }],
        };
        var text = CanonicalDefinitions.ToJsonString(original);
        var back = CanonicalDefinitions.FromJsonString(text);

        Assert.Equal(text, CanonicalDefinitions.ToJsonString(back));
        Assert.Equal(CanonicalDefinitions.Hash(original), CanonicalDefinitions.Hash(back));
        Assert.Equal("driver_ranking", back.Project);
        Assert.Equal(["customer", "driver"], back.Entities.Select(e => e.Name));
        var view = back.GetFeatureView("driver_hourly_stats");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), view.Ttl);
        Assert.False(view.Online);
        Assert.Equal(["driver"], view.Entities);
        Assert.Equal(SampleDefinitions.DriverStats.Features, view.Features, new FeatureComparer());
        Assert.Equal(new FeatureType(ScalarType.Float32, IsList: true), view.FindFeature("embedding")!.Type);
        Assert.Equal("driver_performance", view.Tags["team"]);
        var source = back.GetSource("driver_stats_source");
        Assert.Equal("created", source.CreatedTimestampField);
        Assert.Equal("avg_daily_trips", source.FieldMapping["trips_today"]);
        Assert.Equal(SampleDefinitions.Service.Features, back.GetFeatureService("driver_activity_v1").Features);
        Assert.Equal(SampleDefinitions.Driver with { Tags = back.GetEntity("driver").Tags }, back.GetEntity("driver"));
    }

    [Fact]
    public void Reading_an_unknown_type_fails_with_a_message_naming_it()
    {
        var json = CanonicalDefinitions.ToJson(SampleDefinitions.Driver_example());
        json["entities"]![0]!["value_type"] = "int128";
        var ex = Assert.ThrowsAny<System.Text.Json.JsonException>(() => CanonicalDefinitions.FromJson(json));
        Assert.Contains("int128", ex.Message);
    }

    private sealed class FeatureComparer : IEqualityComparer<FeatureDefinition>
    {
        public bool Equals(FeatureDefinition? x, FeatureDefinition? y) =>
            x!.Name == y!.Name && x.Type == y.Type && x.Description == y.Description && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(FeatureDefinition obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
