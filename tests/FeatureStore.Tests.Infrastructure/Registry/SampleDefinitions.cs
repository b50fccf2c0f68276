using FeatureStore.Core.Definitions;

namespace FeatureStore.Tests.Registry;

/// <summary>The driver example of the issue, built in code, for registry tests that need no YAML.</summary>
internal static class SampleDefinitions
{
    public static EntityDefinition Driver { get; } = new()
    {
        Name = "driver",
        JoinKey = "driver_id",
        ValueType = FeatureType.Parse("int64"),
        Description = "A driver of the platform",
    };

    public static EntityDefinition Customer { get; } = new()
    {
        Name = "customer",
        JoinKey = "customer_id",
        ValueType = FeatureType.Parse("int64"),
    };

    public static SourceDefinition DriverSource { get; } = new()
    {
        Name = "driver_stats_source",
        Path = "data/driver_stats.parquet",
        TimestampField = "event_timestamp",
        CreatedTimestampField = "created",
        FieldMapping = Map(("trips_today", "avg_daily_trips")),
    };

    public static FeatureViewDefinition DriverStats { get; } = new()
    {
        Name = "driver_hourly_stats",
        Entities = ["driver"],
        Source = "driver_stats_source",
        Ttl = TimeSpan.FromDays(1),
        Owner = "driver-team@example.com",
        Description = "Hourly driver statistics",
        Tags = Map(("team", "driver_performance")),
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = FeatureType.Parse("float32"), Description = "Conversion rate" },
            new FeatureDefinition { Name = "acc_rate", Type = FeatureType.Parse("float32") },
            new FeatureDefinition { Name = "avg_daily_trips", Type = FeatureType.Parse("int64") },
            new FeatureDefinition { Name = "embedding", Type = FeatureType.Parse("list<float32>") },
        ],
    };

    public static FeatureServiceDefinition Service { get; } = new()
    {
        Name = "driver_activity_v1",
        Description = "Features of the ranking model v1",
        Features = ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate"],
    };

    public static DefinitionSet Driver_example() => new()
    {
        Project = "driver_ranking",
        Entities = [Driver, Customer],
        Sources = [DriverSource],
        FeatureViews = [DriverStats],
        FeatureServices = [Service],
    };

    /// <summary>A small distinct set: <paramref name="i"/> decides the entity's name, so every i hashes differently.</summary>
    public static DefinitionSet Numbered(int i) => new()
    {
        Project = "driver_ranking",
        Entities = [Driver with { Name = $"entity_{i}" }],
    };

    public static IReadOnlyDictionary<string, string> Map(params (string Key, string Value)[] pairs)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            map[key] = value;
        }
        return map;
    }
}
