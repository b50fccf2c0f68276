using FeatureStore.Core.Catalog;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Catalog;

/// <summary>Small, hand-written definition sets and registry histories for the catalog's pure-logic tests.</summary>
internal static class CatalogTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string> Tags(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);

    public static FeatureViewDefinition View(
        string name, string entity, string source, string? owner = null, string? description = null,
        Dictionary<string, string>? tags = null, TimeSpan? ttl = null, params FeatureDefinition[] features) => new()
    {
        Name = name,
        Entities = [entity],
        Source = source,
        Owner = owner,
        Description = description,
        Tags = tags ?? [],
        Ttl = ttl ?? TimeSpan.FromDays(1),
        Features = features.Length > 0 ? features : [Feature("value", "float32")],
    };

    public static FeatureDefinition Feature(string name, string type, string? description = null, Dictionary<string, string>? tags = null) =>
        new() { Name = name, Type = FeatureType.Parse(type), Description = description, Tags = tags ?? [] };

    public static SourceDefinition Source(string name, string path, Dictionary<string, string>? mapping = null) => new()
    {
        Name = name,
        Path = path,
        TimestampField = "event_timestamp",
        CreatedTimestampField = "created",
        FieldMapping = mapping ?? [],
    };

    public static EntityDefinition Entity(string name, string joinKey, string? owner = null, Dictionary<string, string>? tags = null) =>
        new() { Name = name, JoinKey = joinKey, ValueType = FeatureType.Parse("int64"), Owner = owner, Tags = tags ?? [] };

    /// <summary>A ride-hailing repository: two entities, three sources, four views, two services.</summary>
    public static DefinitionSet Rides() => new()
    {
        Project = "rides",
        Entities = [Entity("driver", "driver_id", owner: "driver-team@example.com", tags: Tags("domain=supply")), Entity("customer", "customer_id")],
        Sources =
        [
            Source("driver_stats_source", "data/driver_stats.parquet", new Dictionary<string, string> { ["conv"] = "conv_rate" }),
            Source("customer_profile_source", "data/customer_profile.parquet"),
            Source("trips_source", "data/trips"),
        ],
        FeatureViews =
        [
            View("driver_hourly_stats", "driver", "driver_stats_source", owner: "driver-team@example.com",
                description: "Hourly driver statistics", tags: Tags("team=driver_performance"), ttl: TimeSpan.FromDays(1),
                features:
                [
                    Feature("conv_rate", "float32", "Conversion rate"),
                    Feature("acc_rate", "float32", "Acceptance rate"),
                    Feature("avg_daily_trips", "int64", "Average trips per day"),
                ]),
            View("customer_profile", "customer", "customer_profile_source", owner: "customer-team@example.com",
                description: "Customer profile", tags: Tags("team=customer_insights"), ttl: TimeSpan.FromDays(2),
                features:
                [
                    Feature("current_balance", "float32", "Wallet balance"),
                    Feature("lifetime_trip_count", "int64", "Rides booked since sign-up; conversion funnel input"),
                ]),
            View("conv", "driver", "trips_source", owner: "growth@example.com", description: "Conversion funnel counters",
                features: [Feature("conv_events", "int64", tags: Tags("pii=false"))]),
            View("driver_conversions_daily", "driver", "trips_source", owner: "Growth@Example.com", tags: Tags("team=driver_performance", "tier=gold"),
                features: [Feature("daily_conv", "int64", "Daily conversions")]),
        ],
        FeatureServices =
        [
            new FeatureServiceDefinition
            {
                Name = "driver_activity_v1", Owner = "ranking-team@example.com", Tags = Tags("model=ranking"),
                Features = ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile"],
            },
            new FeatureServiceDefinition { Name = "growth_v2", Features = ["conv"] },
        ],
    };

    public static RegistryVersion Version(int number, DefinitionSet definitions, params ObjectChange[] changes) =>
        new(number, T0.AddHours(number), $"hash{number}", definitions, new RegistryDiff(changes));

    public static FeatureCatalog CatalogOf(DefinitionSet definitions, params ViewMaterializationState[] state)
    {
        var version = Version(1, definitions);
        return new FeatureCatalog(new CatalogSnapshot(version, [version], state));
    }
}
