using System.Net;
using System.Text.Json;
using FeatureStore.Protos.V1;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Ingestion;

/// <summary>
/// Pushes through the real server (real Kestrel, real Redis, real Parquet): what reaches the online store, the
/// batch source's folder, training sets and materialization, over HTTP and gRPC.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class PushTests(RedisFixture redis)
{
    private static readonly DateTimeOffset T0 = PushRepository.T0;

    [Fact]
    public async Task Http_push_online_is_read_back_value_by_value_and_adds_no_file()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);

        var (status, body) = await repo.PostAsync("/push", PushRepository.Body("online", (1001, T0.AddHours(1), 0.75), (1003, T0.AddHours(1), 3)));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(2, body.GetProperty("rows").GetInt32());
        Assert.Equal(4, body.GetProperty("written").GetInt64()); // two rows, two online views
        Assert.Equal(0, body.GetProperty("already_current").GetInt64());
        Assert.Equal(0, body.GetProperty("offline_rows").GetInt32());
        var online = await repo.ReadOnlineAsync(1001, 1003);
        Assert.Equal(0.75, online["conv_rate"][0].GetDouble());
        Assert.Equal(1.75, online["acc_rate"][0].GetDouble());
        Assert.Equal(75, online["avg_daily_trips"][0].GetInt64());
        Assert.Equal([0.75, 2.0], online["trip_ratios"][0].EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(3.0, online["conv_rate"][1].GetDouble());
        Assert.Equal(["part-0.parquet"], repo.DataFiles());
    }

    [Fact]
    public async Task Grpc_push_online_and_offline_is_read_back_and_written_as_a_file_like_the_sources_own()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        var at = T0.AddHours(1);

        var response = await repo.Server.Client.PushAsync("driver_stats_push", new Dictionary<string, IReadOnlyList<object?>>
        {
            ["driver_id"] = [1001L, 1004L],
            ["event_timestamp"] = [at, at],
            ["conv_rate"] = [0.5f, 0.125f],
            ["acc_rate"] = [0.25, 1.0],
            ["avg_daily_trips"] = [7L, 8],
            ["trip_ratios"] = [new[] { 1.0, 2.5 }, null],
        }, PushMode.OnlineAndOffline);

        Assert.Equal(2, response.Rows);
        Assert.Equal(4, response.Written);
        Assert.Equal(2, response.OfflineRows);
        var online = await repo.Server.Client.GetOnlineFeaturesAsync(
            ["driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips", "driver_ratios:trip_ratios"],
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1001L, 1004L] });
        Assert.Equal(0.5f, online.Get<float>("conv_rate", 0));
        Assert.Equal(8L, online.Get<long>("avg_daily_trips", 1));
        Assert.Equal([1.0, 2.5], (double[])online["trip_ratios", 0]!);
        Assert.Equal(FieldStatus.NullValue, online.Status("trip_ratios", 1));

        var files = repo.DataFiles();
        Assert.Equal(2, files.Count);
        var pushed = Assert.Single(files, f => f != "part-0.parquet");
        Assert.Matches(@"^push-\d{8}T\d{9}Z-[0-9a-f]{8}\.parquet$", pushed);
        var original = await Offline.TrainingSetFiles.ReadAsync(Path.Combine(repo.DataFolder, "part-0.parquet"));
        var written = await Offline.TrainingSetFiles.ReadAsync(Path.Combine(repo.DataFolder, pushed));
        Assert.Equal(original.Columns, written.Columns);
        Assert.Equal(original.Types, written.Types);
        Assert.Equal([1001L, 1004L], written.Rows.Select(r => r[0]));
        Assert.Equal([0.5f, 0.125f], written.Rows.Select(r => r[written.Columns.ToList().IndexOf("conv")]));
        Assert.Equal([null, null], written.Rows.Select(r => r[written.Columns.ToList().IndexOf("created")]));
    }

    [Fact]
    public async Task Offline_push_is_seen_by_training_sets_and_materialize_value_by_value()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        var at = T0.AddHours(2);

        var (status, body) = await repo.PostAsync("/push", PushRepository.Body("offline", (1001, at, 0.125), (1003, at, 0.375)));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(2, body.GetProperty("offline_rows").GetInt32());
        Assert.Equal(0, body.GetProperty("written").GetInt64());
        Assert.All((await repo.ReadOnlineAsync(1001, 1003))["conv_rate"], v => Assert.Equal(JsonValueKind.Null, v.ValueKind));

        var training = await repo.TrainingSetAsync((1001, at.AddHours(1)), (1002, at.AddHours(1)), (1003, at.AddHours(1)), (1003, at.AddMinutes(-1)));
        var columns = training.Columns.ToList();
        object? Cell(int row, string column) => training.Rows[row][columns.IndexOf(column)];
        Assert.Equal([0.125f, 0.5f, 0.375f, null], Enumerable.Range(0, 4).Select(r => Cell(r, "conv_rate")));
        Assert.Equal([1.125, 0.5, 1.375, null], Enumerable.Range(0, 4).Select(r => Cell(r, "acc_rate")));
        Assert.Equal([12L, 20L, 37L, null], Enumerable.Range(0, 4).Select(r => Cell(r, "avg_daily_trips")));

        var summaries = await repo.MaterializeAsync(T0.AddDays(-1), at.AddHours(1));
        Assert.All(summaries, s => Assert.Equal(3, s.RowsWritten));
        var online = await repo.ReadOnlineAsync(1001, 1002, 1003);
        Assert.Equal([0.125, 0.5, 0.375], online["conv_rate"].Select(v => v.GetDouble()));
        Assert.Equal([1.125, 0.5, 1.375], online["acc_rate"].Select(v => v.GetDouble()));
        Assert.Equal([12L, 20L, 37L], online["avg_daily_trips"].Select(v => v.GetInt64()));
        Assert.Equal([[0.125, 2.0], [0.5], [0.375, 2.0]], online["trip_ratios"].Select(v => v.EnumerateArray().Select(x => x.GetDouble()).ToArray()));
    }

    [Fact]
    public async Task An_older_push_never_replaces_a_newer_materialized_value_and_a_newer_one_does()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        await repo.MaterializeAsync(T0.AddDays(-1), T0.AddHours(1));
        Assert.Equal(0.25, (await repo.ReadOnlineAsync(1001))["conv_rate"][0].GetDouble());

        var (_, older) = await repo.PostAsync("/push", PushRepository.Body("online", (1001, T0.AddHours(-1), 0.875)));
        Assert.Equal(0, older.GetProperty("written").GetInt64());
        Assert.Equal(2, older.GetProperty("already_current").GetInt64());
        Assert.Equal(0.25, (await repo.ReadOnlineAsync(1001))["conv_rate"][0].GetDouble());

        var (_, newer) = await repo.PostAsync("/push", PushRepository.Body("online", (1001, T0.AddHours(1), 0.625)));
        Assert.Equal(2, newer.GetProperty("written").GetInt64());
        Assert.Equal(0.625, (await repo.ReadOnlineAsync(1001))["conv_rate"][0].GetDouble());

        // Within one request the latest row per key wins, wherever it stands.
        var (_, both) = await repo.PostAsync("/push", PushRepository.Body("online", (1002, T0.AddHours(3), 0.125), (1002, T0.AddHours(2), 0.375)));
        Assert.Equal(2, both.GetProperty("written").GetInt64());
        Assert.Equal(2, both.GetProperty("already_current").GetInt64());
        Assert.Equal(0.125, (await repo.ReadOnlineAsync(1002))["conv_rate"][0].GetDouble());

        // The same push again changes nothing.
        var (_, again) = await repo.PostAsync("/push", PushRepository.Body("online", (1001, T0.AddHours(1), 0.625)));
        Assert.Equal(0, again.GetProperty("written").GetInt64());
    }

    [Fact]
    public async Task Every_bad_push_is_refused_naming_the_culprit_and_writes_nothing_online_or_offline()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString, ["--max-push-rows", "3"]);
        var good = PushRepository.Frame((1001, T0.AddHours(1), 0.5), (1002, T0.AddHours(1), 0.25));
        Dictionary<string, object?[]> Changed(string column, object?[]? values)
        {
            var frame = good.ToDictionary(kv => kv.Key, kv => kv.Value);
            if (values is null)
            {
                frame.Remove(column);
            }
            else
            {
                frame[column] = values;
            }
            return frame;
        }
        object Push(Dictionary<string, object?[]> frame, string source = "driver_stats_push") =>
            new Dictionary<string, object?> { ["push_source_name"] = source, ["df"] = frame, ["to"] = "online_and_offline" };

        var cases = new (string Path, object Body, string Expected)[]
        {
            ("/push", Push(good, "driver_stats_pushh"), "Unknown push source 'driver_stats_pushh'"),
            ("/push", Push(good, "driver_stats_source"), "Source 'driver_stats_source' is a Parquet source, not a push source"),
            ("/push", Push(Changed("acc_rate", null)), "Missing column 'acc_rate' in 'df'"),
            ("/push", Push(Changed("speed", [1.0, 2.0])), "Unknown column 'speed' in 'df'"),
            ("/push", Push(Changed("avg_daily_trips", [3L, 1.5])), "Column 'avg_daily_trips' row 1: expected an int64, got the number 1.5"),
            ("/push", Push(Changed("conv_rate", [0.5, "fast"])), "Column 'conv_rate' row 1: expected a float32, got the string \"fast\""),
            ("/push", Push(Changed("driver_id", [null, 1002L])), "Column 'driver_id' row 0: the join key is null"),
            ("/push", Push(Changed("event_timestamp", ["2024-01-01T00:00:00Z", null])), "Column 'event_timestamp' row 1: the event timestamp is null"),
            ("/push", Push(Changed("event_timestamp", ["yesterday", "2024-01-01T00:00:00Z"])), "Column 'event_timestamp' row 0: 'yesterday' is not a timestamp"),
            ("/push", Push(Changed("event_timestamp", [1715597982000L, 1715597982L])), "Column 'event_timestamp' row 0: the number 1715597982000 is out of range for seconds"),
            ("/push", Push(Changed("event_timestamp", ["2024-01-01T00:00:00Z", DateTimeOffset.UtcNow.AddDays(2).ToString("O")])), "Column 'event_timestamp' row 1: the event timestamp"),
            ("/push", Push(Changed("trip_ratios", [new[] { 1.0 }, 2.0])), "Column 'trip_ratios' row 1: expected a list"),
            ("/push", Push(Changed("acc_rate", [1.0])), "differ in length"),
            ("/push", Push(PushRepository.Frame([.. Enumerable.Range(0, 4).Select(i => (1001L + i, T0, 0.5))])), "The request has 4 rows; the limit is 3 (server option --max-push-rows)"),
            // Valid for the views, but too large for the batch source's INTEGER column: found while writing offline, first.
            ("/push", Push(Changed("avg_daily_trips", [3_000_000_000L, 1L])), "Column 'avg_daily_trips' row 0: the value does not fit column 'avg_daily_trips' (INTEGER)"),
            ("/write-to-online-store", new { feature_view_name = "driver_hourly", df = good }, "Unknown feature view 'driver_hourly'"),
            ("/write-to-online-store", new { feature_view_name = "driver_ratios", df = good }, "Unknown column 'conv_rate' in 'df'"),
        };
        foreach (var (path, body, expected) in cases)
        {
            var (status, answer) = await repo.PostAsync(path, body);

            Assert.True(status == HttpStatusCode.BadRequest, $"{expected}: {status} {answer}");
            Assert.Contains(expected, answer.GetProperty("detail").GetString());
            Assert.Equal("INVALID_ARGUMENT", answer.GetProperty("code").GetString());
            Assert.Empty(await repo.RedisKeysAsync());
            Assert.Equal(["part-0.parquet"], repo.DataFiles());
        }
    }

    [Fact]
    public async Task An_online_failure_after_the_offline_write_is_503_saying_the_rows_are_stored_offline()
    {
        // The server's Redis is a port nothing listens on; the repository's own store (for the check) is the real one.
        int closed;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString, ["--redis", $"127.0.0.1:{closed}", "--store-timeout-ms", "200"]);
        var at = T0.AddHours(1);

        var (status, body) = await repo.PostAsync("/push", PushRepository.Body("online_and_offline", (1001, at, 0.625)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("UNAVAILABLE", body.GetProperty("code").GetString());
        var detail = body.GetProperty("detail").GetString()!;
        Assert.StartsWith("The 1 rows are stored offline (data/driver_stats/push-", detail);
        Assert.EndsWith("Nothing is lost: the next materialization of the feature views brings them online.", detail);
        Assert.DoesNotContain(redis.ConnectionString, detail);
        Assert.Equal(2, repo.DataFiles().Count);

        await repo.MaterializeAsync(T0.AddDays(-1), at);
        var version = await repo.CurrentVersionAsync();
        var read = await repo.Store.ReadAsync(new Core.Online.OnlineReadRequest(version.Definitions,
            version.Definitions.ResolveReferences(["driver_hourly_stats:conv_rate"]),
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1001L] }, DateTimeOffset.UtcNow));
        Assert.Equal(0.625f, read.Columns[0][0].Value);
    }

    [Fact]
    public async Task Write_to_online_store_takes_the_body_feasts_remote_online_store_sends()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        var at = T0.AddHours(1).UtcDateTime;
        // Feast's remote online store: columns by name, naive UTC isoformat timestamps, a created column of nulls.
        var body = $$"""
            {"feature_view_name": "driver_hourly_stats",
             "df": {"driver_id": [1001], "conv_rate": [2.0], "acc_rate": [0.5], "avg_daily_trips": [4],
                    "event_timestamp": ["{{at:yyyy-MM-ddTHH:mm:ss}}"], "created": [null]},
             "allow_registry_cache": false}
            """;

        var (status, answer) = await repo.PostTextAsync("/write-to-online-store", body, contentType: null);

        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal(1, answer.GetProperty("written").GetInt64());
        var online = await repo.ReadOnlineAsync(1001);
        Assert.Equal(2.0, online["conv_rate"][0].GetDouble());
        Assert.Equal(JsonValueKind.Null, online["trip_ratios"][0].ValueKind); // the other view was not written
        Assert.Equal(["part-0.parquet"], repo.DataFiles());

        var grpc = await repo.Server.Client.WriteToOnlineStoreAsync("driver_ratios", new Dictionary<string, IReadOnlyList<object?>>
        {
            ["driver_id"] = [1001L],
            ["event_timestamp"] = [T0.AddHours(1)],
            ["trip_ratios"] = [new double?[] { 1.0, null }],
        });
        Assert.Equal(1, grpc.Written);
        Assert.Equal("[1.0,null]", (await repo.ReadOnlineAsync(1001))["trip_ratios"][0].GetRawText());
    }

    [Fact]
    public async Task Timestamps_in_every_form_feast_clients_send_mean_the_same_instant()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        var at = new DateTimeOffset(T0.Year, T0.Month, T0.Day, T0.Hour, 59, 42, TimeSpan.Zero).AddHours(2);
        string[] forms =
        [
            at.ToString("yyyy-MM-dd HH:mm:ss") + "+00:00",
            at.ToString("yyyy-MM-ddTHH:mm:ss"),
            at.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz"),
            at.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ];
        var drivers = Enumerable.Range(0, forms.Length + 1).Select(i => 2001L + i).ToArray();
        var frame = new Dictionary<string, object?[]>
        {
            ["driver_id"] = drivers.Cast<object?>().ToArray(),
            ["event_timestamp"] = [.. forms, at.ToUnixTimeSeconds()],
            ["conv_rate"] = drivers.Select(_ => (object?)0.5).ToArray(),
            ["acc_rate"] = drivers.Select(_ => (object?)0.5).ToArray(),
            ["avg_daily_trips"] = drivers.Select(_ => (object?)1L).ToArray(),
            ["trip_ratios"] = drivers.Select(_ => (object?)null).ToArray(),
        };

        var (status, answer) = await repo.PostAsync("/push", new { push_source_name = "driver_stats_push", df = frame });

        Assert.True(status == HttpStatusCode.OK, answer.ToString());
        var (_, read) = await repo.PostAsync("/get-online-features", new { features = new[] { "driver_hourly_stats:conv_rate" }, entities = new { driver_id = drivers } });
        var stamps = read.GetProperty("results")[1].GetProperty("event_timestamps").EnumerateArray().Select(t => DateTimeOffset.Parse(t.GetString()!)).ToArray();
        Assert.All(stamps, s => Assert.Equal(at, s));
    }

    [Fact]
    public async Task Whole_floats_are_written_so_feasts_remote_store_infers_floats()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);
        await repo.PostAsync("/push", PushRepository.Body("online", (1001, T0.AddHours(1), 3)));

        var (_, body) = await repo.PostAsync("/get-online-features", new
        {
            features = new[] { "driver_hourly_stats:conv_rate", "driver_hourly_stats:acc_rate", "driver_hourly_stats:avg_daily_trips", "driver_ratios:trip_ratios" },
            entities = new { driver_id = new[] { 1001 } },
        });

        var inferred = FeastRemoteTypeInference.InferResponse(body.GetRawText());
        Assert.Equal("DOUBLE", inferred["conv_rate"][0]);
        Assert.Equal("DOUBLE", inferred["acc_rate"][0]);
        Assert.Equal("INT64", inferred["avg_daily_trips"][0]);
        Assert.Equal("DOUBLE_LIST", inferred["trip_ratios"][0]);
    }
}
