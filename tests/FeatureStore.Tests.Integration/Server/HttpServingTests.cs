using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Server;

/// <summary>The Feast-compatible HTTP API: Feast's request body in, Feast's response shape out, typed JSON values.</summary>
public abstract class HttpServingTests(IOnlineBackend backend) : IAsyncLifetime
{
    /// <summary>The cases against a real Redis.</summary>
    [Collection(RedisCollection.Name)]
    public sealed class OnRedis(RedisFixture redis) : HttpServingTests(redis);

    /// <summary>The same cases against the embedded store (Garnet in-process).</summary>
    [Collection(EmbeddedCollection.Name), Trait(EmbeddedCollection.Trait, EmbeddedCollection.TraitValue)]
    public sealed class OnEmbedded(EmbeddedStoreFixture store) : HttpServingTests(store);

    private static readonly HashSet<string> FeastStatuses = ["PRESENT", "NULL_VALUE", "NOT_FOUND", "OUTSIDE_MAX_AGE"];

    private SampleDataServer _sample = null!;

    private ServingServer Server => _sample.Server;

    public async Task InitializeAsync() => _sample = await SampleDataServer.StartAsync(backend);

    public async Task DisposeAsync() => await _sample.DisposeAsync();

    [Fact]
    public async Task Http_response_has_feasts_documented_shape()
    {
        var (status, body) = await Server.PostAsync(new
        {
            features = new[] { "driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips" },
            entities = new { driver_id = new[] { 1001, 1002 } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        AssertFeastShape(body, rows: 2);
        Assert.Equal(
            ["driver_id", "conv_rate", "acc_rate", "avg_daily_trips"],
            body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()));
        var results = body.GetProperty("results");
        Assert.Equal([1001L, 1002L], results[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(["PRESENT", "PRESENT"], results[0].GetProperty("statuses").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(0.5, results[1].GetProperty("values")[0].GetDouble());
        Assert.Equal(12, results[3].GetProperty("values")[0].GetInt64());
        Assert.Equal(ServingTestData.Fresh, DateTimeOffset.Parse(results[1].GetProperty("event_timestamps")[0].GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Http_response_parses_as_the_feast_client_reads_it()
    {
        // What Feast's Python remote online store does with the answer: feature_names[i] <-> results[i], the value
        // at [entity] when statuses[entity] == "PRESENT", and results[1].event_timestamps[0] as an ISO timestamp.
        var body = """{"features": ["driver_hourly_stats:conv_rate", "driver_profile:name"], "entities": {"driver_id": [1001, 1004]}}""";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = null; // Feast posts a bare string body without a content type.
        using var response = await Server.Http.PostAsync("/get-online-features", content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var names = json.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()).ToArray();
        var rows = new List<Dictionary<string, JsonElement?>>();
        for (var entity = 0; entity < 2; entity++)
        {
            var row = new Dictionary<string, JsonElement?>();
            for (var i = 0; i < names.Length; i++)
            {
                var result = json.GetProperty("results")[i];
                row[names[i]!] = result.GetProperty("statuses")[entity].GetString() == "PRESENT" ? result.GetProperty("values")[entity] : null;
            }
            rows.Add(row);
        }
        var eventTime = DateTimeOffset.Parse(json.GetProperty("results")[1].GetProperty("event_timestamps")[0].GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal("Ann", rows[0]["name"]!.Value.GetString());
        Assert.Equal(0.5, rows[0]["conv_rate"]!.Value.GetDouble());
        Assert.Null(rows[1]["conv_rate"]);
        Assert.Equal(ServingTestData.Fresh, eventTime);
    }

    [Fact]
    public async Task Every_value_type_is_typed_json()
    {
        var (_, body) = await Server.PostAsync("""{"features": ["merchant_all_types"], "entities": {"merchant_code": ["m-1"]}}""");
        AssertFeastShape(body, rows: 1);
        var results = body.GetProperty("results");
        JsonElement Value(int column) => results[column].GetProperty("values")[0];

        Assert.Equal(JsonValueKind.True, Value(1).ValueKind);
        Assert.Equal(7, Value(2).GetInt32());
        Assert.Equal(9_000_000_000L, Value(3).GetInt64());
        Assert.Equal(0.5, Value(4).GetDouble());
        Assert.Equal(1234.5678, Value(5).GetDouble());
        Assert.Equal("gold", Value(6).GetString());
        Assert.Equal(new byte[] { 1, 2, 255 }, Value(7).GetBytesFromBase64());
        Assert.Equal("2024-05-01T10:30:15.250Z", Value(8).GetString());
        Assert.Equal([0.25, -1.5], Value(9).EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(["a", "b"], Value(10).EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([1L, 2L, 3L], Value(11).EnumerateArray().Select(v => v.GetInt64()));
    }

    [Fact]
    public async Task Http_reads_many_entities_in_request_order()
    {
        var ids = Enumerable.Range(0, 50).Select(i => 1001 + i % 4).ToArray();
        var (status, body) = await Server.PostAsync(new { features = new[] { "driver_profile:name" }, entities = new { driver_id = ids } });

        Assert.Equal(HttpStatusCode.OK, status);
        AssertFeastShape(body, rows: 50);
        var names = body.GetProperty("results")[1].GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToArray();
        Assert.Equal(ids.Select(id => id switch { 1001 => "Ann", 1002 => "Bob", 1003 => "Cid", _ => null }), names);
    }

    [Fact]
    public async Task Feature_service_expands_to_its_features_over_http()
    {
        var (status, body) = await Server.PostAsync(
            """{"feature_service": "driver_activity_v1", "entities": {"driver_id": [1001], "customer_id": [2001]}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            ["driver_id", "customer_id", "conv_rate", "acc_rate", "current_balance", "avg_passenger_count", "lifetime_trip_count"],
            body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(100.5, body.GetProperty("results")[4].GetProperty("values")[0].GetDouble());
    }

    [Fact]
    public async Task Full_feature_names_prefix_each_feature_with_its_view_over_http()
    {
        var (_, body) = await Server.PostAsync(
            """{"features": ["driver_hourly_stats:conv_rate", "customer_profile:current_balance"], "entities": {"driver_id": [1001], "customer_id": [2001]}, "full_feature_names": true}""");

        Assert.Equal(
            ["driver_id", "customer_id", "driver_hourly_stats__conv_rate", "customer_profile__current_balance"],
            body.GetProperty("metadata").GetProperty("feature_names").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task Bytes_keys_are_base64_and_string_keys_are_strings_in_json()
    {
        var hash = Convert.ToBase64String(new byte[] { 0xde, 0xad, 0xbe, 0xef });
        var (_, device) = await Server.PostAsync(new { features = new[] { "device_stats:score" }, entities = new { device_hash = new[] { hash } } });
        var (_, merchant) = await Server.PostAsync("""{"features": ["merchant_all_types:label"], "entities": {"merchant_code": ["m-1"]}}""");

        Assert.Equal(hash, device.GetProperty("results")[0].GetProperty("values")[0].GetString());
        Assert.Equal(0.75, device.GetProperty("results")[1].GetProperty("values")[0].GetDouble());
        Assert.Equal("gold", merchant.GetProperty("results")[1].GetProperty("values")[0].GetString());
    }

    [Fact]
    public async Task Health_endpoint_answers_ok()
    {
        using var response = await Server.Http.GetAsync("/health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal("SERVING", body.GetProperty("online_store").GetString());
        Assert.Equal(1, body.GetProperty("registry_version").GetInt32());
    }

    /// <summary>
    /// Feast's documented response: <c>metadata.feature_names</c> (strings) and <c>results</c>, one per name, each
    /// with <c>values</c>, <c>statuses</c> (Feast's names) and <c>event_timestamps</c> (ISO-8601), one entry per row.
    /// </summary>
    private static void AssertFeastShape(JsonElement body, int rows)
    {
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        var names = body.GetProperty("metadata").GetProperty("feature_names");
        Assert.All(names.EnumerateArray(), n => Assert.Equal(JsonValueKind.String, n.ValueKind));
        var results = body.GetProperty("results");
        Assert.Equal(names.GetArrayLength(), results.GetArrayLength());
        foreach (var result in results.EnumerateArray())
        {
            Assert.Equal(rows, result.GetProperty("values").GetArrayLength());
            Assert.Equal(rows, result.GetProperty("statuses").GetArrayLength());
            Assert.Equal(rows, result.GetProperty("event_timestamps").GetArrayLength());
            Assert.All(result.GetProperty("statuses").EnumerateArray(), s => Assert.Contains(s.GetString()!, FeastStatuses));
            Assert.All(result.GetProperty("event_timestamps").EnumerateArray(), t =>
                Assert.True(DateTimeOffset.TryParseExact(t.GetString(), ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), $"'{t}' is not ISO-8601 UTC"));
        }
    }
}
