using System.Net;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Ingestion;

/// <summary>
/// Bodies over the configured size are answered 413 with a clear message, and a body declared as something other
/// than JSON 415, on the read, write and materialize endpoints alike; a missing or form content type is read as JSON.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RequestBodyTests(RedisFixture redis)
{
    [Fact]
    public async Task A_body_over_the_limit_is_answered_413_naming_the_option()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString, ["--max-body-mb", "1"]);
        var ids = string.Join(",", Enumerable.Repeat("1001", 300_000));
        foreach (var (path, body) in new[]
        {
            ("/get-online-features", $$$"""{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [{{{ids}}}]}}"""),
            ("/push", $$$"""{"push_source_name": "driver_stats_push", "df": {"driver_id": [{{{ids}}}]}}"""),
        })
        {
            var (status, answer) = await repo.PostTextAsync(path, body);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Contains("--max-body-mb", answer.GetProperty("detail").GetString());
            Assert.Equal(413, answer.GetProperty("status").GetInt32());
        }
        Assert.Empty(await repo.RedisKeysAsync());
    }

    [Fact]
    public async Task A_body_declared_as_xml_or_text_is_answered_415_and_json_form_or_none_are_read()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        const string read = """{"features": ["driver_hourly_stats:conv_rate"], "entities": {"driver_id": [1001]}}""";
        var push = System.Text.Json.JsonSerializer.Serialize(PushRepository.Body("online", (1001, PushRepository.T0, 0.5)));

        foreach (var type in new[] { "application/xml", "text/plain", "text/xml; charset=utf-8" })
        {
            foreach (var (path, body) in new[]
            {
                ("/get-online-features", read), ("/push", push),
                ("/materialize", """{"start_ts": "2024-05-01T00:00:00Z", "end_ts": "2024-05-02T00:00:00Z"}"""),
                ("/materialize-incremental", """{"end_ts": "2024-05-02T00:00:00Z"}"""),
            })
            {
                var (status, answer) = await repo.PostTextAsync(path, body, contentType: type);
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
                Assert.Contains("must be JSON", answer.GetProperty("detail").GetString());
            }
        }
        Assert.Empty(await repo.RedisKeysAsync());

        foreach (var type in new[] { null, "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded" })
        {
            Assert.Equal(HttpStatusCode.OK, (await repo.PostTextAsync("/get-online-features", read, contentType: type)).Status);
            Assert.Equal(HttpStatusCode.OK, (await repo.PostTextAsync("/push", push, contentType: type)).Status);
        }
    }
}
