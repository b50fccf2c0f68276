namespace FeatureStore.Tests.Server;

/// <summary>
/// The online rows most serving tests read, written through the online store's write API:
/// driver 1001 fresh and complete; 1002 fresh with a null acc_rate; 1003 with hourly stats older than the view's
/// 1-day TTL (its key is kept alive by driver_profile, which has no TTL); 1004 never materialized.
/// </summary>
internal static class ServingTestData
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    public static readonly DateTimeOffset Fresh = Now.AddHours(-1);
    public static readonly DateTimeOffset Stale = Now.AddDays(-3);
    public static readonly DateTimeOffset SeenAt = new(2024, 5, 1, 10, 30, 15, 250, TimeSpan.Zero);

    public static async Task WriteAsync(ServingRepository repository)
    {
        await repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], Fresh);
        await repository.WriteAsync("driver_profile", 1002L, ["Bob", 3.5], Fresh);
        await repository.WriteAsync("driver_profile", 1003L, ["Cid", 4.0], Fresh);
        await repository.WriteAsync("driver_hourly_stats", 1001L, [0.5f, 0.875f, 12L], Fresh);
        await repository.WriteAsync("driver_hourly_stats", 1002L, [0.25f, null, 7L], Fresh);
        await repository.WriteAsync("driver_hourly_stats", 1003L, [0.125f, 0.5f, 3L], Stale);
        await repository.WriteAsync("customer_profile", 2001L, [100.5f, 1.5f, 42L], Fresh);
        await repository.WriteAsync(
            "driver_customer", new Dictionary<string, object> { ["driver_id"] = 1001L, ["customer_id"] = 2001L }, [3L], Fresh);
        await repository.WriteAsync("merchant_all_types", "m-1",
            [true, 7, 9_000_000_000L, 0.5f, 1234.5678, "gold", new byte[] { 1, 2, 255 }, SeenAt,
                new[] { 0.25f, -1.5f }, new[] { "a", "b" }, new[] { 1L, 2L, 3L }], Fresh);
        await repository.WriteAsync("device_stats", new byte[] { 0xde, 0xad, 0xbe, 0xef }, [0.75], Fresh);
        await repository.WriteAsync("store_stats", 7, [99L], Fresh);
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<object?>> Drivers(params long[] ids) =>
        new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = ids.Cast<object?>().ToArray() };
}
