using FeatureStore.Core.Definitions;

namespace FeatureStore.Tests.Server;

/// <summary>
/// The definitions the serving tests apply: the driver example plus views that cover every value type, every key
/// type (int64, int32, string, bytes), a composite key, a view without TTL (its key never expires, so a stale value
/// of a TTL'd view on the same entity stays readable as OUTSIDE_MAX_AGE), an offline-only view and a feature service.
/// </summary>
internal static class ServingDefinitions
{
    public static DefinitionSet Create(string project) => new()
    {
        Project = project,
        Entities =
        [
            Entity("driver", "driver_id", ScalarType.Int64),
            Entity("customer", "customer_id", ScalarType.Int64),
            Entity("merchant", "merchant_code", ScalarType.String),
            Entity("device", "device_hash", ScalarType.Bytes),
            Entity("store", "store_number", ScalarType.Int32),
        ],
        Sources =
        [
            Source("driver_stats_source"),
            Source("customer_profile_source"),
            Source("misc_source"),
        ],
        FeatureViews =
        [
            View("driver_hourly_stats", ["driver"], "driver_stats_source", TimeSpan.FromDays(1),
                ("conv_rate", "float32"), ("acc_rate", "float32"), ("avg_daily_trips", "int64")),
            View("driver_profile", ["driver"], "driver_stats_source", TimeSpan.Zero,
                ("name", "string"), ("rating", "float64")),
            View("customer_profile", ["customer"], "customer_profile_source", TimeSpan.FromDays(2),
                ("current_balance", "float32"), ("avg_passenger_count", "float32"), ("lifetime_trip_count", "int64")),
            View("driver_customer", ["driver", "customer"], "misc_source", TimeSpan.Zero,
                ("trips_together", "int64")),
            View("merchant_all_types", ["merchant"], "misc_source", TimeSpan.Zero,
                ("flag", "bool"), ("small", "int32"), ("big", "int64"), ("ratio", "float32"), ("amount", "float64"),
                ("label", "string"), ("blob", "bytes"), ("seen_at", "timestamp"), ("embedding", "list<float32>"),
                ("tags", "list<string>"), ("counts", "list<int64>")),
            View("device_stats", ["device"], "misc_source", TimeSpan.Zero, ("score", "float64")),
            View("store_stats", ["store"], "misc_source", TimeSpan.Zero, ("visits", "int64")),
            View("driver_offline", ["driver"], "driver_stats_source", TimeSpan.Zero, ("lifetime_earnings", "float64")) with { Online = false },
        ],
        FeatureServices =
        [
            new FeatureServiceDefinition
            {
                Name = "driver_activity_v1",
                Features = ["driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "customer_profile"],
            },
        ],
    };

    /// <summary>The same definitions plus one view (for hot-reload tests).</summary>
    public static DefinitionSet WithExtraView(DefinitionSet definitions) => definitions with
    {
        FeatureViews =
        [
            .. definitions.FeatureViews,
            View("driver_rewards", ["driver"], "driver_stats_source", TimeSpan.Zero, ("points", "int64")),
        ],
    };

    /// <summary>The same definitions without one view (and without services that use it).</summary>
    public static DefinitionSet Without(DefinitionSet definitions, string view) => definitions with
    {
        FeatureViews = definitions.FeatureViews.Where(v => v.Name != view).ToArray(),
        FeatureServices = definitions.FeatureServices
            .Where(s => !s.Features.Any(f => f == view || f.StartsWith(view + ":", StringComparison.Ordinal))).ToArray(),
    };

    private static EntityDefinition Entity(string name, string joinKey, ScalarType type) =>
        new() { Name = name, JoinKey = joinKey, ValueType = new FeatureType(type) };

    private static SourceDefinition Source(string name) =>
        new() { Name = name, Path = $"data/{name}.parquet", TimestampField = "event_timestamp" };

    private static FeatureViewDefinition View(
        string name, string[] entities, string source, TimeSpan ttl, params (string Name, string Type)[] features) =>
        new()
        {
            Name = name,
            Entities = entities,
            Source = source,
            Ttl = ttl,
            Features = features.Select(f => new FeatureDefinition { Name = f.Name, Type = FeatureType.Parse(f.Type) }).ToArray(),
        };
}
