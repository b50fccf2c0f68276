using System.Net;
using System.Text;
using System.Text.Json;
using FeatureStore.Core.Materialization;
using FeatureStore.Redis;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Server;
using static FeatureStore.Tests.Scheduling.MaterializationRepository;

namespace FeatureStore.Tests.Scheduling;

/// <summary><c>POST /materialize</c> and <c>POST /materialize-incremental</c> on the real server, real Redis and real Parquet.</summary>
[Collection(RedisCollection.Name)]
public sealed class MaterializeEndpointTests(RedisFixture redis) : IAsyncLifetime
{
    private MaterializationRepository _repository = null!;
    private ServingServer _server = null!;

    public async Task InitializeAsync()
    {
        _repository = await CreateAsync(redis.ConnectionString);
        _server = await _repository.StartServerAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _server.Http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body) => PostAsync(path, JsonSerializer.Serialize(body));

    private static JsonElement Summary(JsonElement body, string view) =>
        body.GetProperty("feature_views").EnumerateArray().Single(v => v.GetProperty("name").GetString() == view);

    private async Task<JsonElement> ReadAsync(string feature, long driver)
    {
        var (status, body) = await _server.PostAsync(new { features = new[] { feature }, entities = new { driver_id = new[] { driver } } });
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("results")[1].GetProperty("values")[0];
    }

    [Fact]
    public async Task Materialize_runs_the_engine_and_answers_each_views_summary()
    {
        var (status, body) = await PostAsync("/materialize", new { start_ts = Iso(T.AddDays(-1)), end_ts = Iso(T), feature_views = (string[]?)null });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal(["driver_daily_stats", "driver_hourly_stats"],
            body.GetProperty("feature_views").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        var hourly = Summary(body, "driver_hourly_stats");
        Assert.Equal(3, hourly.GetProperty("rows").GetInt64());
        Assert.Equal(3, hourly.GetProperty("written").GetInt64());
        Assert.Equal(0, hourly.GetProperty("already_current").GetInt64());
        Assert.Equal(0, hourly.GetProperty("skipped_source_rows").GetProperty("null_event_timestamp").GetInt64());
        Assert.Equal(0, hourly.GetProperty("skipped_source_rows").GetProperty("null_join_key").GetInt64());
        Assert.Equal(Iso(T.AddDays(-1)), hourly.GetProperty("start_ts").GetString());
        Assert.Equal(Iso(T), hourly.GetProperty("end_ts").GetString());
        Assert.Equal(Iso(T), hourly.GetProperty("watermark").GetString());
        Assert.Equal(JsonValueKind.Null, hourly.GetProperty("skipped").ValueKind);
        Assert.Equal(2, Summary(body, "driver_daily_stats").GetProperty("rows").GetInt64());
        Assert.Equal(new DateTimeOffset(T), (await _repository.StateOfAsync("driver_hourly_stats"))!.Watermark);
        Assert.Equal(0.3f, (await ReadAsync("driver_hourly_stats:conv_rate", 1)).GetSingle());

        var (_, again) = await PostAsync("/materialize", new { start_ts = Iso(T.AddDays(-1)), end_ts = Iso(T) });
        Assert.Equal(0, Summary(again, "driver_hourly_stats").GetProperty("written").GetInt64());
        Assert.Equal(3, Summary(again, "driver_hourly_stats").GetProperty("already_current").GetInt64());
    }

    [Fact]
    public async Task Materialize_incremental_starts_each_view_at_its_watermark()
    {
        var (first, _) = await PostAsync("/materialize",
            new { start_ts = Iso(T.AddDays(-1)), end_ts = Iso(T.AddHours(-3)), feature_views = new[] { "driver_hourly_stats" } });
        Assert.Equal(HttpStatusCode.OK, first);

        // Feast's own spelling of a time: a space and an offset.
        var end = T.ToString("yyyy-MM-dd HH:mm:ss") + "+00:00";
        var (status, body) = await PostAsync("/materialize-incremental", new { end_ts = end, feature_views = new[] { "driver_hourly_stats" } });

        Assert.Equal(HttpStatusCode.OK, status);
        var hourly = Summary(body, "driver_hourly_stats");
        Assert.Equal(Iso(T.AddHours(-3)), hourly.GetProperty("start_ts").GetString());
        Assert.Equal(2, hourly.GetProperty("rows").GetInt64()); // drivers 1 and 3, changed after the watermark
        Assert.Equal(new DateTimeOffset(T), (await _repository.StateOfAsync("driver_hourly_stats"))!.Watermark);
        Assert.Equal(40L, (await ReadAsync("driver_hourly_stats:trips", 3)).GetInt64());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?async=true")]
    public async Task A_view_being_materialized_elsewhere_is_a_409_naming_it(string query)
    {
        var store = new RedisOnlineStore(redis.Connection);
        await using (await store.AcquireMaterializationLockAsync(_repository.Project, "driver_hourly_stats", new MaterializationOptions(), wait: false))
        {
            var (status, body) = await PostAsync("/materialize-incremental" + query, new { end_ts = "now", feature_views = (string[]?)null });

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal("ABORTED", body.GetProperty("code").GetString());
            Assert.Contains("Feature view 'driver_hourly_stats' is being materialized by another run", body.GetProperty("detail").GetString());
            // Nothing was written: the engine checks every lock before it writes.
            Assert.Null(await _repository.StateOfAsync("driver_hourly_stats"));
            Assert.Null(await _repository.StateOfAsync("driver_daily_stats"));
        }

        var (after, _) = await PostAsync("/materialize-incremental" + query, new { end_ts = "now", feature_views = (string[]?)null });
        Assert.Equal(query == "" ? HttpStatusCode.OK : HttpStatusCode.Accepted, after);
    }

    [Fact]
    public async Task Async_materialize_answers_202_at_once_and_completes_in_the_background()
    {
        var (status, body) = await PostAsync("/materialize?async=true",
            new { start_ts = Iso(T.AddDays(-1)), end_ts = Iso(T), feature_views = new[] { "driver_hourly_stats" } });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.Equal(["driver_hourly_stats"], body.GetProperty("feature_views").EnumerateArray().Select(v => v.GetString()));
        var state = await _repository.WaitForStateAsync("driver_hourly_stats");
        Assert.Equal(new DateTimeOffset(T), state.Watermark);
        Assert.Equal(3, state.RowsWritten);
        Assert.Equal(0.4f, (await ReadAsync("driver_hourly_stats:conv_rate", 3)).GetSingle());

        var (allStatus, all) = await PostAsync("/materialize-incremental?async=true", new { end_ts = "now" });
        Assert.Equal(HttpStatusCode.Accepted, allStatus);
        Assert.Equal(["driver_daily_stats", "driver_hourly_stats"], all.GetProperty("feature_views").EnumerateArray().Select(v => v.GetString()));
        await _repository.WaitForStateAsync("driver_daily_stats");
    }

    [Theory]
    [InlineData("/materialize", """{"end_ts": "now"}""", "start_ts is required")]
    [InlineData("/materialize", """{"start_ts": "2024-05-02T00:00:00Z", "end_ts": "2024-05-01T00:00:00Z"}""", "is before its start")]
    [InlineData("/materialize", """{"start_ts": 1714521600, "end_ts": "now"}""", "start_ts must be a string holding an ISO-8601 time")]
    [InlineData("/materialize", """{"start_ts": "yesterday", "end_ts": "now"}""", "start_ts 'yesterday' is not a time")]
    [InlineData("/materialize", """{"start_ts": "2024-05-01", "end_ts": "now", "feature_views": []}""", "feature_views is empty")]
    [InlineData("/materialize", """{"start_ts": "2024-05-01", "end_ts": "now", "feature_views": [3]}""", "feature_views[0] must be a feature view name")]
    [InlineData("/materialize", """{"start_ts": "2024-05-01", "end_ts": "now", "views": ["x"]}""", "Unknown field 'views'")]
    [InlineData("/materialize", """{"start_ts": "2024-05-01", "end_ts": "now", "disable_event_timestamp": true}""", "disable_event_timestamp is not supported")]
    [InlineData("/materialize", """["driver_hourly_stats"]""", "must be a JSON object")]
    [InlineData("/materialize", "start=yesterday", "not valid JSON")]
    [InlineData("/materialize-incremental", """{"start_ts": "2024-05-01", "end_ts": "now"}""", "Unknown field 'start_ts'")]
    [InlineData("/materialize-incremental?async=maybe", """{"end_ts": "now"}""", "async must be true or false")]
    [InlineData("/materialize-incremental", """{"end_ts": "now", "feature_views": ["driver_offline_only"]}""", "offline only")]
    public async Task A_bad_request_is_a_400_naming_the_culprit_and_materializes_nothing(string path, string json, string message)
    {
        var (status, body) = await PostAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_ARGUMENT", body.GetProperty("code").GetString());
        Assert.Contains(message, body.GetProperty("detail").GetString());
        Assert.Empty(await _repository.Registry.GetMaterializationStateAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?async=true")]
    public async Task An_unknown_view_is_a_404_and_materializes_nothing(string query)
    {
        var (status, body) = await PostAsync("/materialize-incremental" + query, """{"end_ts": "now", "feature_views": ["driver_hourly_stats", "nope"]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Unknown feature view 'nope'", body.GetProperty("detail").GetString());
        Assert.Empty(await _repository.Registry.GetMaterializationStateAsync());
    }
}
