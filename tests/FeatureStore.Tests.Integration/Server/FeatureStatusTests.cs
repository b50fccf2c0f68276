using System.Text.Json;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary>
/// The four statuses, as the materializer's semantics define them, on both transports: PRESENT (within TTL),
/// NULL_VALUE (row within TTL, this feature null), NOT_FOUND (nothing materialized), OUTSIDE_MAX_AGE (stored value
/// older than read time minus the view's TTL: no value is served).
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class FeatureStatusTests(RedisFixture redis) : IAsyncLifetime
{
    private SampleDataServer _sample = null!;

    private ServingServer Server => _sample.Server;

    public async Task InitializeAsync() => _sample = await SampleDataServer.StartAsync(redis);

    public async Task DisposeAsync() => await _sample.DisposeAsync();

    [Fact]
    public async Task Every_status_is_reported_over_grpc()
    {
        // 1001 fresh, 1002 fresh with acc_rate null, 1003 older than the 1-day TTL, 1004 never materialized.
        var result = await Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:acc_rate"], ServingTestData.Drivers(1001, 1002, 1003, 1004));

        Assert.Equal(
            [FieldStatus.Present, FieldStatus.NullValue, FieldStatus.OutsideMaxAge, FieldStatus.NotFound],
            Enumerable.Range(0, 4).Select(row => result.Status("acc_rate", row)));
        Assert.Equal([0.875f, null, null, null], Enumerable.Range(0, 4).Select(row => (float?)result["acc_rate", row]));
        Assert.Equal(ServingTestData.Fresh, result.EventTimestamp("acc_rate", 0));
        Assert.Equal(ServingTestData.Fresh, result.EventTimestamp("acc_rate", 1));
        Assert.Null(result.EventTimestamp("acc_rate", 3));
    }

    [Fact]
    public async Task Every_status_is_reported_over_http()
    {
        var (_, body) = await Server.PostAsync(new
        {
            features = new[] { "driver_hourly_stats:acc_rate" },
            entities = new { driver_id = new[] { 1001, 1002, 1003, 1004 } },
        });
        var column = body.GetProperty("results")[1];

        Assert.Equal(
            ["PRESENT", "NULL_VALUE", "OUTSIDE_MAX_AGE", "NOT_FOUND"],
            column.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()));
        var values = column.GetProperty("values");
        Assert.Equal(0.875, values[0].GetDouble());
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Null], new[] { values[1].ValueKind, values[2].ValueKind, values[3].ValueKind });
        Assert.Equal("1970-01-01T00:00:00Z", column.GetProperty("event_timestamps")[3].GetString());
    }

    [Fact]
    public async Task A_stale_view_does_not_hide_a_fresh_view_of_the_same_entity()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate", "driver_profile:name"], ServingTestData.Drivers(1003));

        Assert.Equal(FieldStatus.OutsideMaxAge, result.Status("conv_rate", 0));
        Assert.Equal(FieldStatus.Present, result.Status("name", 0));
        Assert.Equal("Cid", result["name", 0]);
    }
}
