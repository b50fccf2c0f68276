using FeatureStore.Core.Online;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

public abstract class GrpcServingTests(IOnlineBackend backend) : IAsyncLifetime
{
    /// <summary>The cases against a real Redis.</summary>
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis) : GrpcServingTests(redis);

    /// <summary>The same cases against the embedded store (Garnet in-process).</summary>
    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store) : GrpcServingTests(store);

    private SampleDataServer _sample = null!;

    private ServingServer Server => _sample.Server;

    public async Task InitializeAsync() => _sample = await SampleDataServer.StartAsync(backend);

    public async Task DisposeAsync() => await _sample.DisposeAsync();

    [Fact]
    public async Task Grpc_returns_the_features_of_one_entity_with_status_and_event_timestamp()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips"], ServingTestData.Drivers(1001));

        Assert.Equal(["driver_id", "conv_rate", "avg_daily_trips"], result.Names);
        Assert.Equal(1, result.RowCount);
        Assert.Equal(1001L, result["driver_id", 0]);
        Assert.Equal(0.5f, result["conv_rate", 0]);
        Assert.Equal(12L, result["avg_daily_trips", 0]);
        Assert.Equal(FieldStatus.Present, result.Status("conv_rate", 0));
        Assert.Equal(ServingTestData.Fresh, result.EventTimestamp("conv_rate", 0));
        Assert.Null(result.EventTimestamp("driver_id", 0));
    }

    [Fact]
    public async Task Grpc_returns_one_value_per_entity_in_request_order()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate", "driver_profile:name"], ServingTestData.Drivers(1004, 1002, 1001, 1002));

        Assert.Equal(4, result.RowCount);
        Assert.Equal([1004L, 1002L, 1001L, 1002L], Enumerable.Range(0, 4).Select(r => (long)result["driver_id", r]!));
        Assert.Equal([null, 0.25f, 0.5f, 0.25f], Enumerable.Range(0, 4).Select(r => (float?)result["conv_rate", r]));
        Assert.Equal([null, "Bob", "Ann", "Bob"], Enumerable.Range(0, 4).Select(r => (string?)result["name", r]));
    }

    [Fact]
    public async Task Grpc_reads_a_hundred_entities_in_one_request()
    {
        var ids = Enumerable.Range(0, 100).Select(i => 1001L + i % 5).ToArray();
        var result = await Server.Client.GetOnlineFeaturesAsync(["driver_profile"], ServingTestData.Drivers(ids));

        Assert.Equal(100, result.RowCount);
        for (var row = 0; row < 100; row++)
        {
            var expected = ids[row] switch { 1001 => "Ann", 1002 => "Bob", 1003 => "Cid", _ => null };
            Assert.Equal(expected, result["name", row]);
            Assert.Equal(expected is null ? FieldStatus.NotFound : FieldStatus.Present, result.Status("name", row));
        }
    }

    [Fact]
    public async Task Default_limit_serves_ten_thousand_entities_in_one_request_and_refuses_one_more()
    {
        using var client = new FeatureStore.Client.FeatureStoreClient(Server.Endpoints.GrpcAddress.ToString());
        var ids = Enumerable.Range(0, 10_000).Select(i => 1001L + i % 7).ToArray();

        var result = await client.GetOnlineFeaturesAsync(["driver_profile:name", "driver_profile:rating"], ServingTestData.Drivers(ids));
        var tooMany = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers([.. ids, 1001L])));

        Assert.Equal(10_000, result.RowCount);
        Assert.Equal("Cid", result["name", 9_998]);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, tooMany.StatusCode);
        Assert.Contains("10001 entity rows", tooMany.Status.Detail);
    }

    [Fact]
    public async Task Bare_view_name_means_all_of_its_features_in_definition_order()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(["driver_hourly_stats"], ServingTestData.Drivers(1001));

        Assert.Equal(["driver_id", "conv_rate", "acc_rate", "avg_daily_trips"], result.Names);
    }

    [Fact]
    public async Task Feature_service_expands_to_its_features_over_grpc()
    {
        var entities = new Dictionary<string, IReadOnlyList<object?>>
        {
            ["driver_id"] = [1001L, 1002L],
            ["customer_id"] = [2001L, 2002L],
        };
        var result = await Server.Client.GetFeatureServiceAsync("driver_activity_v1", entities);

        Assert.Equal(
            ["driver_id", "customer_id", "conv_rate", "acc_rate", "current_balance", "avg_passenger_count", "lifetime_trip_count"],
            result.Names);
        Assert.Equal(0.5f, result["conv_rate", 0]);
        Assert.Equal(100.5f, result["current_balance", 0]);
        Assert.Equal(42L, result["lifetime_trip_count", 0]);
        Assert.Equal(FieldStatus.NotFound, result.Status("current_balance", 1));
    }

    [Fact]
    public async Task Full_feature_names_prefix_each_feature_with_its_view_over_grpc()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate", "driver_profile:name"], ServingTestData.Drivers(1001), fullFeatureNames: true);

        Assert.Equal(["driver_id", "driver_hourly_stats__conv_rate", "driver_profile__name"], result.Names);
        Assert.Equal("Ann", result["driver_profile__name", 0]);
    }

    [Fact]
    public async Task Composite_key_view_reads_by_both_join_keys()
    {
        var entities = new Dictionary<string, IReadOnlyList<object?>>
        {
            ["customer_id"] = [2001L, 2001L],
            ["driver_id"] = [1001L, 1002L],
        };
        var result = await Server.Client.GetOnlineFeaturesAsync(["driver_customer:trips_together"], entities);

        Assert.Equal(3L, result["trips_together", 0]);
        Assert.Equal(FieldStatus.NotFound, result.Status("trips_together", 1));
    }

    [Fact]
    public async Task Every_value_type_arrives_typed_over_grpc()
    {
        var entities = new Dictionary<string, IReadOnlyList<object?>> { ["merchant_code"] = ["m-1"] };
        var result = await Server.Client.GetOnlineFeaturesAsync(["merchant_all_types"], entities);
        var values = result.Response.Results;

        // Each feature arrives as one column of its own type: packed scalars, timestamps as µs, lists as Values.
        Assert.Equal([true], values[1].Column.BoolValues.Val);
        Assert.Equal([7], values[2].Column.Int32Values.Val);
        Assert.Equal([9_000_000_000L], values[3].Column.Int64Values.Val);
        Assert.Equal([0.5f], values[4].Column.FloatValues.Val);
        Assert.Equal([1234.5678], values[5].Column.DoubleValues.Val);
        Assert.Equal(["gold"], values[6].Column.StringValues.Val);
        Assert.Equal(new byte[] { 1, 2, 255 }, values[7].Column.BytesValues.Val[0].ToByteArray());
        Assert.Equal([TimestampMicros.FromDateTimeOffset(ServingTestData.SeenAt)], values[8].Column.TimestampMicrosValues.Val);
        Assert.Equal([0.25f, -1.5f], values[9].Column.Values.Val[0].FloatListVal.Val);
        Assert.Equal(["a", "b"], values[10].Column.Values.Val[0].StringListVal.Val);
        Assert.Equal([1L, 2L, 3L], values[11].Column.Values.Val[0].Int64ListVal.Val);
        Assert.Equal(["m-1"], values[0].Column.StringValues.Val);
        Assert.Equal(ServingTestData.SeenAt, result["seen_at", 0]);
    }

    [Fact]
    public async Task String_bytes_and_int32_keys_are_served_over_grpc()
    {
        var device = await Server.Client.GetOnlineFeaturesAsync(["device_stats:score"],
            new Dictionary<string, IReadOnlyList<object?>> { ["device_hash"] = [new byte[] { 0xde, 0xad, 0xbe, 0xef }] });
        var store = await Server.Client.GetOnlineFeaturesAsync(["store_stats:visits"],
            new Dictionary<string, IReadOnlyList<object?>> { ["store_number"] = [7] });
        var storeSentAsInt64 = await Server.Client.GetOnlineFeaturesAsync(["store_stats:visits"],
            new Dictionary<string, IReadOnlyList<object?>> { ["store_number"] = [7L] });

        Assert.Equal(0.75, device["score", 0]);
        Assert.Equal(99L, store["visits", 0]);
        Assert.Equal(99L, storeSentAsInt64["visits", 0]);
    }

    [Fact]
    public async Task Int32_values_are_accepted_for_int64_keys()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(["driver_profile:name"],
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1001] });

        Assert.Equal("Ann", result["name", 0]);
    }

    [Fact]
    public async Task Zero_entity_rows_give_empty_columns()
    {
        var result = await Server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers());

        Assert.Equal(["driver_id", "name"], result.Names);
        Assert.Equal(0, result.RowCount);
    }
}
