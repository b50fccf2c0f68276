using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using FeatureStore.Client;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using FeatureStore.Core.Registry;
using FeatureStore.Protos.V1;
using FeatureStore.Redis;
using StackExchange.Redis;

namespace FeatureStore.Bench;

/// <summary>
/// Push throughput and freshness on loopback against a local Redis, the server in a process of its own: a push source
/// feeding the driver view (3 features), online pushes of 1 and 100 rows over HTTP (Feast's <c>POST /push</c>) and
/// gRPC, sequentially and with 16 requests in flight, in rows per second; and, for sequential pushes, p50/p99 from a
/// push's start until a gRPC <c>GetOnlineFeatures</c> returns the pushed value. In the same run the raw baseline: the
/// online write script called directly from this process with the same keys and values, one call per hash-slot bucket
/// as the writer must (cluster-safe), and as one call for all keys (what a single Redis node would also allow).
/// Every push carries a newer event timestamp than the last, so every row is written (none skipped as current).
/// Targets: 100-row pushes reach at least 0.5 of the raw script's rows/s; the 1-row visibility p99 stays under 5 ms.
/// <code>dotnet run -c Release --project bench/FeatureStore.Bench -- push [--entities N] [--seconds S] [--in-flight N] [--rounds N]</code>
/// Uses FEATURESTORE_BENCH_REDIS when set, else starts its own redis-server from PATH.
/// </summary>
internal sealed class PushBenchmark : IBenchmark
{
    private const string Project = "bench_push";
    private const string PushSource = "driver_stats_push";

    public string Name => "push";

    public async Task<int> RunAsync(string[] args)
    {
        var entities = BenchOptions.Int(args, "--entities", 100_000);
        var seconds = BenchOptions.Int(args, "--seconds", 3);
        var inFlight = BenchOptions.Int(args, "--in-flight", 16);
        var rounds = BenchOptions.Int(args, "--rounds", 3);
        var work = Directory.CreateTempSubdirectory("featurestore-bench-push-");
        Process? server = null;
        try
        {
            await using var benchRedis = await BenchRedis.StartAsync(work.FullName);
            var redis = benchRedis.ConnectionString;
            Console.WriteLine($"redis: {benchRedis.Description}");
            var definitions = Definitions();
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "featurestore.yaml"), $"""
                project: {Project}
                online_store:
                  type: redis
                  connection_string: "{redis}"
                offline_store:
                  type: duckdb
                registry: registry
                """);
            await new FileRegistry(Path.Combine(work.FullName, "registry")).ApplyAsync(definitions);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);

            var httpPort = BenchRedis.FreePort();
            var grpcPort = BenchRedis.FreePort();
            server = BenchServerProcess.Start(work.FullName, ["--redis", redis], httpPort, grpcPort);
            using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            await BenchServerProcess.WaitUntilReadyAsync(http, server);
            using var client = new FeatureStoreClient($"http://127.0.0.1:{grpcPort}");
            var raw = await RawWriter.CreateAsync(connection, definitions);
            var rows = new RowSource(entities);
            Console.WriteLine($"server: pid {server.Id}, HTTP 127.0.0.1:{httpPort}, gRPC 127.0.0.1:{grpcPort}; {entities} entities, {seconds} s per figure, {rounds} rounds");

            Func<int, Task> CallOf(string transport, int size) => transport switch
            {
                "HTTP" => _ => PostAsync(http, rows.Json(size)),
                "gRPC" => _ => client.Ingestion.PushAsync(rows.Grpc(size)).ResponseAsync,
                "raw per slot" => _ => raw.WriteAsync(rows.Next(size), perSlot: true),
                _ => _ => raw.WriteAsync(rows.Next(size), perSlot: false),
            };
            string[] transports = ["HTTP", "gRPC", "raw per slot", "raw one call"];
            // JIT, connections and the script cache before any figure.
            foreach (var transport in transports)
            {
                foreach (var size in new[] { 1, 100 })
                {
                    await RunAsync(CallOf(transport, size), inFlight, TimeSpan.FromSeconds(1));
                }
            }

            var figures = new List<(int Round, string Key, double RowsPerSecond)>();
            var visibility = new List<(int Round, int Size, double P50, double P99)>();
            for (var round = 1; round <= rounds; round++)
            {
                Console.WriteLine();
                Console.WriteLine($"round {round}/{rounds}, load average at start: {LoadAverage()}");
                Console.WriteLine($"{"rows/req",8} {"mode",-12} {"transport",-13} {"rows/s",10} {"req/s",9} {"p50 ms",8} {"p99 ms",8}");
                foreach (var size in new[] { 1, 100 })
                {
                    foreach (var (mode, parallelism) in new[] { ("sequential", 1), ($"{inFlight} in flight", inFlight) })
                    {
                        foreach (var transport in transports)
                        {
                            var (latencies, elapsed) = await RunAsync(CallOf(transport, size), parallelism, TimeSpan.FromSeconds(seconds));
                            var perSecond = latencies.Count / elapsed.TotalSeconds;
                            figures.Add((round, $"{size}|{mode}|{transport}", perSecond * size));
                            Console.WriteLine($"{size,8} {mode,-12} {transport,-13} {perSecond * size,10:0} {perSecond,9:0} {Percentile(latencies, 0.5),8:0.000} {Percentile(latencies, 0.99),8:0.000}");
                        }
                    }
                }
                foreach (var size in new[] { 1, 100 })
                {
                    var latencies = await VisibilityAsync(http, client, rows, size, TimeSpan.FromSeconds(seconds));
                    visibility.Add((round, size, Percentile(latencies, 0.5), Percentile(latencies, 0.99)));
                    Console.WriteLine($"push-to-visible, {size} row(s) per HTTP push, sequential: p50 {Percentile(latencies, 0.5):0.000} ms, p99 {Percentile(latencies, 0.99):0.000} ms ({latencies.Count} pushes)");
                }
            }

            Console.WriteLine();
            Console.WriteLine($"medians over {rounds} rounds (rows/s):");
            foreach (var group in figures.GroupBy(f => f.Key))
            {
                var parts = group.Key.Split('|');
                Console.WriteLine($"{parts[0],8} {parts[1],-12} {parts[2],-13} {Median(group.Select(g => g.RowsPerSecond)),10:0}");
            }
            double Rate(string key) => Median(figures.Where(f => f.Key == key).Select(f => f.RowsPerSecond));
            Console.WriteLine();
            foreach (var mode in new[] { "sequential", $"{inFlight} in flight" })
            {
                foreach (var transport in new[] { "HTTP", "gRPC" })
                {
                    var pushed = Rate($"100|{mode}|{transport}");
                    Console.WriteLine(
                        $"100-row {transport} pushes, {mode}: {pushed / Rate($"100|{mode}|raw per slot"):0.00} x raw per slot, " +
                        $"{pushed / Rate($"100|{mode}|raw one call"):0.00} x raw one call (target >= 0.5)");
                }
            }
            var p99 = Median(visibility.Where(v => v.Size == 1).Select(v => v.P99));
            Console.WriteLine($"1-row push-to-visible p99, sequential: {p99:0.000} ms (target < 5 ms); p50 {Median(visibility.Where(v => v.Size == 1).Select(v => v.P50)):0.000} ms");
            // Before the Redis it uses goes away, so it does not log the outage.
            BenchRedis.Stop(server);
            server = null;
            return 0;
        }
        finally
        {
            BenchRedis.Stop(server);
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>Pushes one request at a time and, after each, reads until the pushed value is served.</summary>
    private static async Task<List<long>> VisibilityAsync(HttpClient http, FeatureStoreClient client, RowSource rows, int size, TimeSpan duration)
    {
        var latencies = new List<long>();
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < duration)
        {
            var batch = rows.Next(size);
            var body = RowSource.Json(batch);
            var last = batch[^1];
            var started = Stopwatch.GetTimestamp();
            await PostAsync(http, body);
            while (true)
            {
                var answer = await client.GetOnlineFeaturesAsync(
                    ["driver_hourly_stats:avg_daily_trips"], new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [last.Driver] });
                if (answer.Get<long>("avg_daily_trips", 0) == last.Trips)
                {
                    break;
                }
            }
            latencies.Add(Stopwatch.GetTimestamp() - started);
        }
        return latencies;
    }

    private static DefinitionSet Definitions() => new()
    {
        Project = Project,
        Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
        Sources =
        [
            new SourceDefinition { Name = "driver_stats_source", Path = "data/driver_stats/", TimestampField = "event_timestamp", CreatedTimestampField = "created" },
            new SourceDefinition { Name = PushSource, Path = "", TimestampField = "", BatchSource = "driver_stats_source" },
        ],
        FeatureViews =
        [
            new FeatureViewDefinition
            {
                Name = "driver_hourly_stats",
                Entities = ["driver"],
                Source = PushSource,
                Features =
                [
                    new FeatureDefinition { Name = "conv_rate", Type = new FeatureType(ScalarType.Float32) },
                    new FeatureDefinition { Name = "acc_rate", Type = new FeatureType(ScalarType.Float32) },
                    new FeatureDefinition { Name = "avg_daily_trips", Type = new FeatureType(ScalarType.Int64) },
                ],
            },
        ],
    };

    /// <summary>A pushed row: a driver, a version newer than every earlier row's, and values derived from it.</summary>
    private readonly record struct Row(long Driver, long EventMicros, long Trips);

    /// <summary>Rows over the entity range, each with a newer event timestamp than the one before (thread-safe).</summary>
    private sealed class RowSource(int entities)
    {
        private static readonly long Start = TimestampMicros.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1));
        private long _counter;

        public Row[] Next(int size)
        {
            var first = Interlocked.Add(ref _counter, size) - size;
            var rows = new Row[size];
            for (var i = 0; i < size; i++)
            {
                var n = first + i;
                rows[i] = new Row(1000 + n % entities, Start + n, n);
            }
            return rows;
        }

        public byte[] Json(int size) => Json(Next(size));

        public static byte[] Json(Row[] rows)
        {
            var text = new StringBuilder("{\"push_source_name\":\"").Append(PushSource).Append("\",\"to\":\"online\",\"df\":{");
            void Column(string name, Func<Row, string> value, bool last = false)
            {
                text.Append('"').Append(name).Append("\":[").AppendJoin(',', rows.Select(value)).Append(']').Append(last ? "" : ",");
            }
            Column("driver_id", r => r.Driver.ToString(CultureInfo.InvariantCulture));
            Column("event_timestamp", r => "\"" + TimestampMicros.ToDateTimeOffset(r.EventMicros).ToString("yyyy-MM-dd HH:mm:ss.ffffff+00:00", CultureInfo.InvariantCulture) + "\"");
            Column("conv_rate", r => (r.Trips % 100 / 100.0).ToString("0.0#", CultureInfo.InvariantCulture));
            Column("acc_rate", r => "0.5");
            Column("avg_daily_trips", r => r.Trips.ToString(CultureInfo.InvariantCulture), last: true);
            return Encoding.UTF8.GetBytes(text.Append("}}").ToString());
        }

        public PushRequest Grpc(int size)
        {
            var rows = Next(size);
            var request = new PushRequest { PushSourceName = PushSource, To = PushMode.Online };
            request.Df.Add("driver_id", ValueConversion.ToColumn(rows.Select(r => (object)r.Driver)));
            request.Df.Add("event_timestamp", ValueConversion.ToColumn(rows.Select(r => (object)TimestampMicros.ToDateTimeOffset(r.EventMicros))));
            request.Df.Add("conv_rate", ValueConversion.ToColumn(rows.Select(r => (object)(float)(r.Trips % 100 / 100.0))));
            request.Df.Add("acc_rate", ValueConversion.ToColumn(rows.Select(_ => (object)0.5f)));
            request.Df.Add("avg_daily_trips", ValueConversion.ToColumn(rows.Select(r => (object)r.Trips)));
            return request;
        }
    }

    /// <summary>
    /// The online write script called straight from this process: keys and values built with the store's own key
    /// layout and codec, one EVALSHA per hash-slot bucket (pipelined) or one for all keys.
    /// </summary>
    private sealed class RawWriter(IDatabase database, EntitySetKeys keys, FeatureValueCodec codec, byte[] sha)
    {
        private static readonly RedisValue Field = OnlineKeyLayout.ViewField("driver_hourly_stats");

        public static async Task<RawWriter> CreateAsync(ConnectionMultiplexer connection, DefinitionSet definitions)
        {
            var view = definitions.FeatureViews[0];
            var server = connection.GetServers()[0];
            var sha = await server.ScriptLoadAsync(OnlineWriteScript.Source);
            return new RawWriter(connection.GetDatabase(), new OnlineKeyLayout(Project).ForView(definitions, view), new FeatureValueCodec(view.Features), sha);
        }

        public async Task WriteAsync(Row[] rows, bool perSlot)
        {
            var calls = new Dictionary<int, (List<RedisKey> Keys, List<RedisValue> Args)>();
            var key = new EntityKeyWriter();
            foreach (var row in rows)
            {
                key.Reset();
                key.AppendInt64(row.Driver);
                var bucket = keys.Bucket(key.Written);
                var value = StoredViewValue.Create(new RowVersion(row.EventMicros, RowVersion.MissingCreated), codec.Encode([(float)(row.Trips % 100 / 100.0), 0.5f, row.Trips]));
                var slot = perSlot ? bucket : 0;
                if (!calls.TryGetValue(slot, out var call))
                {
                    calls[slot] = call = ([], [Field]);
                }
                call.Keys.Add(keys.BuildKey(key.Written, bucket));
                call.Args.Add(value);
                call.Args.Add(OnlineWriteScript.NeverMillis);
            }
            await Task.WhenAll(calls.Values.Select(c => database.ScriptEvaluateAsync(sha, [.. c.Keys], [.. c.Args])));
        }
    }

    private static async Task<(List<long> Latencies, TimeSpan Elapsed)> RunAsync(Func<int, Task> call, int parallelism, TimeSpan duration)
    {
        var latencies = new List<long>[parallelism];
        var stopwatch = Stopwatch.StartNew();
        var counter = 0;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            while (stopwatch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await call(Interlocked.Increment(ref counter));
                mine.Add(Stopwatch.GetTimestamp() - started);
            }
        }));
        return (latencies.SelectMany(l => l).ToList(), stopwatch.Elapsed);
    }

    private static double Percentile(List<long> latencies, double p)
    {
        var sorted = latencies.Order().ToArray();
        return Stopwatch.GetElapsedTime(0, sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))]).TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task PostAsync(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/push", content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        await response.Content.CopyToAsync(Stream.Null);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
