using System.Net;
using FeatureStore.Client;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;

namespace FeatureStore.Tests.Server;

/// <summary>Every user error is reported the same way on both transports, with a message naming the culprit.</summary>
[Collection(RedisCollection.Name)]
public sealed class ServingErrorTests(RedisFixture redis) : IAsyncLifetime
{
    private const int MaxEntities = 3;
    private ServingRepository _repository = null!;
    private ServingServer _server = null!;

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        await _repository.WriteAsync("driver_profile", 1001L, ["Ann", 4.5], ServingTestData.Fresh);
        _server = await _repository.StartServerAsync("--max-entities", MaxEntities.ToString());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _repository.DisposeAsync();
    }

    /// <summary>One bad request, spelled for both transports: JSON body, gRPC request, expected outcome.</summary>
    public sealed record Case(string Json, Func<GetOnlineFeaturesRequest> Grpc, StatusCode GrpcStatus, HttpStatusCode HttpStatus, string Culprit)
    {
        public override string ToString() => Culprit;
    }

    private static GetOnlineFeaturesRequest Request(string[] features, params (string Key, object?[] Values)[] entities)
    {
        var request = new GetOnlineFeaturesRequest { Features = { features } };
        foreach (var (key, values) in entities)
        {
            request.Entities.Add(key, ValueConversion.ToColumn(values));
        }
        return request;
    }

    public static TheoryData<string, Case> Cases => new()
    {
        {
            "Unknown_feature_is_not_found",
            new(
                """{"features": ["driver_profile:nope"], "entities": {"driver_id": [1001]}}""",
                () => Request(["driver_profile:nope"], ("driver_id", [1001L])),
                StatusCode.NotFound, HttpStatusCode.NotFound, "nope")
        },
        {
            "Unknown_view_is_not_found",
            new(
                """{"features": ["no_such_view:x"], "entities": {"driver_id": [1001]}}""",
                () => Request(["no_such_view:x"], ("driver_id", [1001L])),
                StatusCode.NotFound, HttpStatusCode.NotFound, "no_such_view")
        },
        {
            "Unknown_feature_service_is_not_found",
            new(
                """{"feature_service": "ghost_service", "entities": {"driver_id": [1001]}}""",
                () => new GetOnlineFeaturesRequest { FeatureService = "ghost_service", Entities = { ["driver_id"] = ValueConversion.ToColumn(new object[] { 1001L }) } },
                StatusCode.NotFound, HttpStatusCode.NotFound, "ghost_service")
        },
        {
            "Features_and_feature_service_together_are_invalid",
            new(
                """{"features": ["driver_profile:name"], "feature_service": "driver_activity_v1", "entities": {"driver_id": [1001]}}""",
                () => new GetOnlineFeaturesRequest { Features = { "driver_profile:name" }, FeatureService = "driver_activity_v1" },
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "not both")
        },
        {
            "Neither_features_nor_feature_service_is_invalid",
            new(
                """{"entities": {"driver_id": [1001]}}""",
                () => Request([], ("driver_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "feature_service")
        },
        {
            "Malformed_feature_reference_is_invalid",
            new(
                """{"features": ["driver_profile:name:extra"], "entities": {"driver_id": [1001]}}""",
                () => Request(["driver_profile:name:extra"], ("driver_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "driver_profile:name:extra")
        },
        {
            "String_for_an_int64_key_is_invalid",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [1001, "abc"]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [1001L, "abc"])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'driver_id' row 1")
        },
        {
            "Fractional_number_for_an_int64_key_is_invalid",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [1001.5]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [1001.5])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'driver_id' row 0")
        },
        {
            "Whole_number_written_with_a_fraction_for_an_int64_key_is_quoted_as_sent",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [1001.0]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [1001.0])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "got the number 1001.0")
        },
        {
            "Number_for_a_string_key_is_invalid",
            new(
                """{"features": ["merchant_all_types:label"], "entities": {"merchant_code": [17]}}""",
                () => Request(["merchant_all_types:label"], ("merchant_code", [17L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'merchant_code' row 0")
        },
        {
            "Int32_key_out_of_range_is_invalid",
            new(
                """{"features": ["store_stats:visits"], "entities": {"store_number": [9000000000]}}""",
                () => Request(["store_stats:visits"], ("store_number", [9_000_000_000L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "9000000000")
        },
        {
            "Null_key_is_invalid",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [null]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [null])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'driver_id' row 0")
        },
        {
            "Entity_columns_of_different_lengths_are_invalid",
            new(
                """{"feature_service": "driver_activity_v1", "entities": {"driver_id": [1001, 1002], "customer_id": [2001]}}""",
                () => new GetOnlineFeaturesRequest
                {
                    FeatureService = "driver_activity_v1",
                    Entities = { ["driver_id"] = ValueConversion.ToColumn(new object[] { 1001L, 1002L }), ["customer_id"] = ValueConversion.ToColumn(new object[] { 2001L }) },
                },
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'customer_id' has 1")
        },
        {
            "Missing_join_key_is_invalid",
            new(
                """{"features": ["customer_profile:current_balance"], "entities": {"driver_id": [1001]}}""",
                () => Request(["customer_profile:current_balance"], ("driver_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "Missing join key 'customer_id'")
        },
        {
            "Too_many_entity_rows_are_invalid",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [1, 2, 3, 4]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [1L, 2L, 3L, 4L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, $"the limit is {MaxEntities}")
        },
        {
            "Entity_column_that_is_no_join_key_is_invalid",
            new(
                """{"features": ["driver_profile:name"], "entities": {"driver_id": [1001], "drvier_id": [1001]}}""",
                () => Request(["driver_profile:name"], ("driver_id", [1001L]), ("drvier_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "'drvier_id'")
        },
        {
            "Offline_only_view_is_not_served",
            new(
                """{"features": ["driver_offline:lifetime_earnings"], "entities": {"driver_id": [1001]}}""",
                () => Request(["driver_offline:lifetime_earnings"], ("driver_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "driver_offline")
        },
        {
            "Duplicate_output_names_are_invalid",
            new(
                """{"features": ["driver_profile:name", "driver_profile:name"], "entities": {"driver_id": [1001]}}""",
                () => Request(["driver_profile:name", "driver_profile:name"], ("driver_id", [1001L])),
                StatusCode.InvalidArgument, HttpStatusCode.BadRequest, "duplicate column names (name)")
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_is_rejected_over_grpc_naming_the_culprit(string name, Case @case)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Client.Serving.GetOnlineFeaturesAsync(@case.Grpc()).ResponseAsync);

        Assert.True(@case.GrpcStatus == error.StatusCode, $"{name}: expected {@case.GrpcStatus}, got {error.StatusCode}: {error.Status.Detail}");
        Assert.Contains(@case.Culprit, error.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_is_rejected_over_http_naming_the_culprit(string name, Case @case)
    {
        var (status, body) = await _server.PostAsync(@case.Json);

        Assert.True(@case.HttpStatus == status, $"{name}: expected {@case.HttpStatus}, got {status}: {body}");
        Assert.Contains(@case.Culprit, body.GetProperty("detail").GetString());
        Assert.Equal(@case.HttpStatus == HttpStatusCode.NotFound ? "NOT_FOUND" : "INVALID_ARGUMENT", body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"features\": [\"driver_profile:name\"], \"entities\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"features\": \"driver_profile:name\", \"entities\": {\"driver_id\": [1001]}}", "'features' must be an array")]
    [InlineData("{\"features\": [42], \"entities\": {\"driver_id\": [1001]}}", "'features[0]'")]
    [InlineData("{\"features\": [\"driver_profile:name\"], \"entities\": {\"driver_id\": 1001}}", "'entities.driver_id' must be an array")]
    [InlineData("{\"features\": [\"driver_profile:name\"], \"entities\": {\"driver_id\": [[1001]]}}", "'entities.driver_id[0]'")]
    [InlineData("{\"features\": [\"driver_profile:name\"], \"entities\": {\"driver_id\": [1001]}, \"full_feature_names\": \"yes\"}", "'full_feature_names'")]
    [InlineData("{\"features\": [\"device_stats:score\"], \"entities\": {\"device_hash\": [\"not base64!\"]}}", "not base64")]
    public async Task Malformed_json_body_is_rejected_with_400_naming_the_field(string body, string culprit)
    {
        var (status, answer) = await _server.PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(culprit, answer.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_request_at_the_entity_limit_is_served()
    {
        var result = await _server.Client.GetOnlineFeaturesAsync(["driver_profile:name"], ServingTestData.Drivers(1001, 1002, 1003));

        Assert.Equal(MaxEntities, result.RowCount);
        Assert.Equal("Ann", result["name", 0]);
    }
}
