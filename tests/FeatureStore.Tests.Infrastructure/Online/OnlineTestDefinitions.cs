using FeatureStore.Core.Definitions;

namespace FeatureStore.Tests.Online;

/// <summary>Small definition sets for online-store tests, one project per test.</summary>
internal static class OnlineTestDefinitions
{
    public static EntityDefinition Driver { get; } = new() { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) };
    public static EntityDefinition Customer { get; } = new() { Name = "customer", JoinKey = "customer_id", ValueType = new FeatureType(ScalarType.String) };

    public static FeatureViewDefinition DriverStats(TimeSpan ttl, string name = "driver_stats") => new()
    {
        Name = name,
        Entities = ["driver"],
        Source = "driver_source",
        Ttl = ttl,
        Features =
        [
            new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
            new FeatureDefinition { Name = "trips", Type = new FeatureType(ScalarType.Int64) },
        ],
    };

    /// <summary>Keyed by (customer, driver) but listing them in the other order, to prove sorting.</summary>
    public static FeatureViewDefinition Pair(TimeSpan ttl) => new()
    {
        Name = "pair_stats",
        Entities = ["driver", "customer"],
        Source = "pair_source",
        Ttl = ttl,
        Features = [new FeatureDefinition { Name = "rides_together", Type = new FeatureType(ScalarType.Int32) }],
    };

    public static DefinitionSet Set(string project, params FeatureViewDefinition[] views) => new()
    {
        Project = project,
        Entities = [Driver, Customer],
        Sources =
        [
            new SourceDefinition { Name = "driver_source", Path = "d.parquet", TimestampField = "ts" },
            new SourceDefinition { Name = "pair_source", Path = "p.parquet", TimestampField = "ts" },
        ],
        FeatureViews = views,
    };
}
