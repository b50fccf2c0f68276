using System.Buffers;
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
using FeatureStore.Server.GrpcApi;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Serving;
using Google.Protobuf;
using Grpc.Health.V1;
using StackExchange.Redis;
using FeatureStore.Redis;

namespace FeatureStore.Bench;

/// <summary>
/// Online serving latency, on loopback against a local Redis: the driver example widened to 50 features (three
/// views of the driver entity), 1,000,000 entities written through the online store's write API, the server in a
/// process of its own. For 1 x 50 and 100 x 50 features, sequential and with 16 requests in flight, it measures
/// p50, p99 and throughput of gRPC and HTTP lookups, of the raw baseline (the same keys and fields read with one
/// pipelined StackExchange.Redis batch from this process), of the store read alone (the server's read code run in
/// this process) and of an empty call to the same server (gRPC health Check, GET /health), then prints the serving
/// ratio of docs/performance.md: lookup p50 / (empty call p50 + raw Redis p50), target &lt;= 1.3, plus the issue's targets (gRPC p99 &lt;= 1 ms for 1 x 50 and &lt;= 5 ms for 100 x 50 sequential).
/// Every figure is taken once per round (<c>--rounds</c>, default 3); ratios are computed within a round, and the
/// medians over the rounds are reported. Sequential rows "encode gRPC" and "encode JSON" time the server's own writers
/// on real answers in this process (no I/O), "decode gRPC" the client's parse of the encoded answer (a gRPC call
/// completes once the client has parsed it; the HTTP rows only read the body): a lookup costs at least an empty call,
/// the raw read and that work, so they give the lowest ratio any implementation of that answer shape could reach.
/// Served-feature logging is measured in the same run: "gRPC service"/"HTTP service" read the same 50 features through
/// a feature service without logging, "gRPC logged"/"HTTP logged" through one logged at rate 1.0, and the logging
/// ratio (logged p50 / service p50 within a round, target &lt;= 1.1) is printed with the rows each logged figure wrote
/// and dropped (target: none dropped at 16 in flight).
/// Set FEATURESTORE_BENCH_DOTNET to a wrapper of <c>dotnet</c> (e.g. one running <c>perf record</c>) to profile the server.
/// <code>dotnet run -c Release --project bench/FeatureStore.Bench -- serving [--entities N] [--seconds S] [--in-flight N] [--warm-up S] [--rounds N] [--rows 1|100] [--transports gRPC,HTTP,...]</code>
/// <c>--backend redis|embedded|redis,embedded</c> (default redis) picks the store, or measures both one after the
/// other in the same run and compares them at the end. Redis: FEATURESTORE_BENCH_REDIS when set, else its own
/// redis-server from PATH. Embedded: this process hosts Garnet to write the entities, then lets go (checkpoint), and
/// the server hosts it as it would after a materialization ("raw Redis" then reads that Garnet).
/// </summary>
internal sealed class ServingBenchmark : IBenchmark
{
    private const string Project = "bench_serving";
    private const int FeatureCount = 50;
    private static readonly string[] AllTransports =
        ["gRPC", "HTTP", "store", "raw Redis", "empty gRPC", "empty HTTP", "encode gRPC", "decode gRPC", "encode JSON", "gRPC service", "gRPC logged", "HTTP service", "HTTP logged"];
    private const string PlainService = "bench_service";
    private const string LoggedService = "bench_logged";
    private static readonly ThreadLocal<ArrayBufferWriter<byte>> EncodeBuffer = new(() => new ArrayBufferWriter<byte>(256 * 1024));

    public string Name => "serving";

    public async Task<int> RunAsync(string[] args)
    {
        var entities = BenchOptions.Int(args, "--entities", 1_000_000);
        var seconds = BenchOptions.Int(args, "--seconds", 3);
        var inFlight = BenchOptions.Int(args, "--in-flight", 16);
        var warmUpSeconds = BenchOptions.Int(args, "--warm-up", 3);
        var rounds = BenchOptions.Int(args, "--rounds", 3);
        // For profiling one figure: --rows 100 --transports gRPC (the ratios need every transport of a shape).
        var rowsFilter = BenchOptions.Int(args, "--rows", 0);
        var transportsFilter = BenchOptions.String(args, "--transports")?.Split(',');
        var transports = transportsFilter is null ? AllTransports : AllTransports.Where(transportsFilter.Contains).ToArray();
        var backends = BenchStore.Parse(args);
        var byBackend = new List<(string Backend, List<Figure> Figures)>();
        foreach (var backend in backends)
        {
            Console.WriteLine($"== backend: {backend}");
            byBackend.Add((backend, await RunBackendAsync(backend, entities, seconds, inFlight, warmUpSeconds, rounds, rowsFilter, transports)));
            Console.WriteLine();
        }
        if (byBackend.Count > 1)
        {
            PrintBackends(byBackend);
        }
        return 0;
    }

    /// <summary>Every figure against one backend, in a work folder of its own; returns the figures of every round.</summary>
    private static async Task<List<Figure>> RunBackendAsync(
        string backend, int entities, int seconds, int inFlight, int warmUpSeconds, int rounds, int rowsFilter, string[] transports)
    {
        var work = Directory.CreateTempSubdirectory("featurestore-bench-serving-");
        Process? server = null;
        try
        {
            await using var benchStore = await BenchStore.StartAsync(work.FullName, backend);
            Console.WriteLine($"online store: {benchStore.Description}");

            var definitions = Definitions();
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "featurestore.yaml"), $"""
                project: {Project}
                {benchStore.OnlineStoreYaml}
                offline_store:
                  type: duckdb
                registry: registry
                logging:
                  path: logs
                  flush_interval: 10s
                """);
            await new FileRegistry(Path.Combine(work.FullName, "registry")).ApplyAsync(definitions);

            await using var connection = await ConnectionMultiplexer.ConnectAsync(benchStore.ConnectionString + ",allowAdmin=true");
            var memoryBefore = await benchStore.UsedMemoryAsync(connection);
            await WriteEntitiesAsync(connection, definitions, entities);
            var memoryAfter = await benchStore.UsedMemoryAsync(connection);
            if (memoryAfter - memoryBefore is { } memory)
            {
                Console.WriteLine($"redis memory: {memory / (double)entities:0} bytes per entity (3 views, {FeatureCount} features)");
            }
            if (backend == BenchStore.Embedded)
            {
                // As after a materialization: the command's hosting ends with a checkpoint, and the server started
                // next hosts the store, recovering it. This process's connection comes back when it listens again.
                var released = await benchStore.ReleaseHostingAsync();
                var bytes = benchStore.FolderBytes() ?? 0;
                Console.WriteLine($"embedded store: checkpoint and stop {released.TotalSeconds:0.00} s, folder {bytes / 1048576.0:N0} MB ({bytes / (double)entities:N0} bytes per entity)");
            }

            var httpPort = BenchRedis.FreePort();
            var grpcPort = BenchRedis.FreePort();
            var starting = Stopwatch.StartNew();
            server = BenchServerProcess.Start(work.FullName, backend == BenchStore.Redis ? ["--redis", benchStore.ConnectionString] : [], httpPort, grpcPort);
            using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"),
            };
            await BenchServerProcess.WaitUntilReadyAsync(http, server);
            Console.WriteLine($"server healthy {starting.Elapsed.TotalSeconds:0.00} s after start{(backend == BenchStore.Embedded ? " (it hosts the store, recovered from its folder)" : "")}");
            while (!connection.IsConnected)
            {
                await Task.Delay(100);
            }
            // The client library's own channel settings, as a service using it would have.
            using var client = new FeatureStoreClient($"http://127.0.0.1:{grpcPort}");
            var health = new Health.HealthClient(client.Channel);
            var database = connection.GetDatabase();
            // The server's store read (plan, one pipelined round trip, decode) run in this process: with the raw
            // figure it splits a lookup's cost between the store and the transport.
            var store = new RedisOnlineStore(connection);

            var features = definitions.FeatureViews.SelectMany(v => v.Features.Select(f => $"{v.Name}:{f.Name}")).ToArray();
            var results = new List<Figure>();
            var shapes = new[] { 1, 100 }.Where(rows => rowsFilter == 0 || rows == rowsFilter).Select(rows => (Shape: $"{rows}x{FeatureCount}", Calls: Calls.Create(definitions, features, rows, entities, seed: rows))).ToArray();
            if (transports.Any(IsCodec))
            {
                foreach (var (_, calls) in shapes)
                {
                    await calls.ReadAnswersAsync(store, definitions);
                }
            }
            Func<int, Task> CallOf(Calls calls, string transport) => transport switch
            {
                "gRPC" => i => client.Serving.GetOnlineFeaturesAsync(calls.Grpc[i % calls.Count]).ResponseAsync,
                "HTTP" => i => PostAsync(http, calls.Json[i % calls.Count]),
                "gRPC service" => i => client.Serving.GetOnlineFeaturesAsync(calls.GrpcService[i % calls.Count]).ResponseAsync,
                "gRPC logged" => i => client.Serving.GetOnlineFeaturesAsync(calls.GrpcLogged[i % calls.Count]).ResponseAsync,
                "HTTP service" => i => PostAsync(http, calls.JsonService[i % calls.Count]),
                "HTTP logged" => i => PostAsync(http, calls.JsonLogged[i % calls.Count]),
                "raw Redis" => i => calls.ReadRawAsync(database, i % calls.Count),
                "store" => i => store.ReadAsync(calls.Store[i % calls.Count] with { ReadTime = DateTimeOffset.UtcNow }),
                "empty gRPC" => i => health.CheckAsync(new HealthCheckRequest()).ResponseAsync,
                "encode gRPC" => i => Encode(writer => GrpcResponseWriter.Write(calls.Answers[i % calls.Count]).WriteTo(writer)),
                "decode gRPC" => i =>
                {
                    GetOnlineFeaturesResponse.Parser.ParseFrom(calls.EncodedAnswers[i % calls.Count]);
                    return Task.CompletedTask;
                },
                "encode JSON" => i => Encode(writer => FeastJsonResponseWriter.Write(writer, calls.Answers[i % calls.Count])),
                _ => i => GetAsync(http, "/health"),
            };

            Console.WriteLine($"server: pid {server.Id}, HTTP 127.0.0.1:{httpPort}, gRPC 127.0.0.1:{grpcPort}; {seconds} s per figure");
            // A fresh process JITs for thousands of calls (tiered compilation promotes hot code in the background):
            // exercise every path before the first figure, or the first rows measure the JIT.
            var warmUp = Stopwatch.StartNew();
            foreach (var (_, calls) in shapes)
            {
                foreach (var transport in transports)
                {
                    await RunAsync(CallOf(calls, transport), inFlight, TimeSpan.FromSeconds(warmUpSeconds));
                }
            }
            Console.WriteLine($"warm-up: {warmUp.Elapsed.TotalSeconds:0} s over every shape and transport");
            Console.WriteLine();
            // Every figure is taken once per round, the rounds one after another: a burst of load on this shared host
            // then skews one round's figures, and each ratio is computed within a round before taking the median.
            for (var round = 1; round <= rounds; round++)
            {
                Console.WriteLine($"round {round}/{rounds}, load average at start: {LoadAverage()} (2 cores; other work on the machine inflates every figure)");
                Console.WriteLine($"{"shape",-8} {"mode",-12} {"transport",-11} {"p50 ms",9} {"p99 ms",9} {"req/s",9} {"calls",8} {"server CPU µs/call",19} {"in-server ms",13} {"store read ms",14}");
                foreach (var (shape, calls) in shapes)
                {
                    foreach (var (mode, parallelism) in new[] { ("sequential", 1), ($"{inFlight} in flight", inFlight) })
                    {
                        foreach (var transport in transports.Where(t => parallelism == 1 || !IsCodec(t)))
                        {
                            var call = CallOf(calls, transport);
                            var before = await ScrapeAsync(http);
                            var stats = await MeasureAsync(call, parallelism, TimeSpan.FromSeconds(seconds), server);
                            var after = await ScrapeAsync(http);
                            var logRows = (Written: Counter(after, "featurestore_logged_rows_total") - Counter(before, "featurestore_logged_rows_total"),
                                Dropped: Counter(after, "featurestore_logged_rows_dropped_total") - Counter(before, "featurestore_logged_rows_dropped_total"));
                            results.Add(new Figure(round, shape, mode, transport, stats, logRows.Dropped));
                            var cpu = transport is "raw Redis" or "store" || IsCodec(transport) ? "-" : stats.ServerCpuMicrosPerCall.ToString("0", CultureInfo.InvariantCulture);
                            var label = transport.StartsWith("gRPC", StringComparison.Ordinal) ? "transport=\"grpc\"" : "transport=\"http\"";
                            var (inServer, storeRead) = IsLookup(transport)
                                ? (MeanMs(before, after, "featurestore_request_duration_seconds", label), MeanMs(before, after, "featurestore_online_store_read_seconds", ""))
                                : ("-", "-");
                            Console.WriteLine(
                                $"{shape,-8} {mode,-12} {transport,-11} {stats.P50,9:0.000} {stats.P99,9:0.000} {stats.Throughput,9:0} {stats.Calls,8} {cpu,19} {inServer,13} {storeRead,14}" +
                                (transport.EndsWith("logged", StringComparison.Ordinal) ? $"  log rows written {logRows.Written:0}, dropped {logRows.Dropped:0}" : ""));
                        }
                    }
                }
                Console.WriteLine();
            }
            PrintMedians(results);
            await CheckAnswersAsync(client, http, features);
            if (transports.Length == AllTransports.Length && shapes.Length == 2)
            {
                PrintRatios(results);
            }
            PrintLoggingRatios(results);
            return results;
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

    /// <summary>The driver example widened to 50 features: hourly stats (3) plus two wide views (22 and 25).</summary>
    internal static DefinitionSet Definitions()
    {
        static FeatureDefinition F(string name, ScalarType type) => new() { Name = name, Type = new FeatureType(type) };
        static IEnumerable<FeatureDefinition> Wide(string stem, int floats, int longs, int doubles, int strings) =>
            Enumerable.Range(0, floats).Select(i => F($"{stem}_f{i}", ScalarType.Float32))
                .Concat(Enumerable.Range(0, longs).Select(i => F($"{stem}_i{i}", ScalarType.Int64)))
                .Concat(Enumerable.Range(0, doubles).Select(i => F($"{stem}_d{i}", ScalarType.Float64)))
                .Concat(Enumerable.Range(0, strings).Select(i => F($"{stem}_s{i}", ScalarType.String)));
        FeatureViewDefinition View(string name, TimeSpan ttl, IEnumerable<FeatureDefinition> features) => new()
        {
            Name = name, Entities = ["driver"], Source = "driver_stats_source", Ttl = ttl, Features = features.ToArray(),
        };
        var views = new[]
        {
            View("driver_hourly_stats", TimeSpan.FromDays(1),
                [F("conv_rate", ScalarType.Float32), F("acc_rate", ScalarType.Float32), F("avg_daily_trips", ScalarType.Int64)]),
            View("driver_profile_stats", TimeSpan.FromDays(7), Wide("profile", 10, 6, 4, 2)),
            View("driver_activity_stats", TimeSpan.FromDays(7), Wide("activity", 12, 8, 5, 0)),
        };
        if (views.Sum(v => v.Features.Count) != FeatureCount)
        {
            throw new InvalidOperationException("The benchmark views must hold 50 features.");
        }
        return new DefinitionSet
        {
            Project = Project,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            Sources = [new SourceDefinition { Name = "driver_stats_source", Path = "data/driver_stats.parquet", TimestampField = "event_timestamp" }],
            FeatureViews = views,
            FeatureServices =
            [
                new FeatureServiceDefinition { Name = PlainService, Features = views.Select(v => v.Name).ToArray() },
                new FeatureServiceDefinition
                {
                    Name = LoggedService, Features = views.Select(v => v.Name).ToArray(), Logging = new FeatureServiceLogging { SampleRate = 1.0 },
                },
            ],
        };
    }

    internal static async Task WriteEntitiesAsync(ConnectionMultiplexer connection, DefinitionSet definitions, int entities)
    {
        var store = new RedisOnlineStore(connection);
        var latest = TimestampMicros.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-5));
        var clock = Stopwatch.StartNew();
        foreach (var (view, v) in definitions.FeatureViews.Select((view, v) => (view, v)))
        {
            await using var writer = (OnlineViewWriter)await store.OpenViewWriterAsync(definitions, view);
            var types = view.Features.Select(f => f.Type.Scalar).ToArray();
            for (long id = 1; id <= entities; id++)
            {
                writer.BeginRow();
                writer.Key.AppendInt64(id);
                for (var f = 0; f < types.Length; f++)
                {
                    var noise = (uint)HashCode.Combine(id, f);
                    switch (types[f])
                    {
                        case ScalarType.Float32:
                            writer.Values.WriteFloat32(noise / (float)uint.MaxValue);
                            break;
                        case ScalarType.Float64:
                            writer.Values.WriteFloat64(noise / (double)uint.MaxValue * 1000);
                            break;
                        case ScalarType.Int64:
                            writer.Values.WriteInt64(noise % 10_000);
                            break;
                        default:
                            writer.Values.WriteString(noise % 2 == 0 ? "gold" : "silver");
                            break;
                    }
                }
                // Each entity and view has its own event time, up to an hour before the latest, as materialized data does.
                var eventMicros = latest - (long)((uint)HashCode.Combine(id, v, "event") % 3_600_000_000u);
                await writer.EndRowAsync(new RowVersion(eventMicros, RowVersion.MissingCreated));
            }
            await writer.FlushAsync();
        }
        Console.WriteLine(
            $"wrote {entities:N0} entities x {definitions.FeatureViews.Count} views through the online store in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({entities / clock.Elapsed.TotalSeconds:N0} entities/s)");
    }

    /// <summary>Pre-built calls, so the measured loop spends nothing on building requests.</summary>
    private sealed class Calls
    {
        public required int Count { get; init; }
        public required GetOnlineFeaturesRequest[] Grpc { get; init; }
        public required byte[][] Json { get; init; }
        public required GetOnlineFeaturesRequest[] GrpcService { get; init; }
        public required GetOnlineFeaturesRequest[] GrpcLogged { get; init; }
        public required byte[][] JsonService { get; init; }
        public required byte[][] JsonLogged { get; init; }
        public required RedisKey[][] Keys { get; init; }
        public required RedisValue[] Fields { get; init; }
        public required OnlineReadRequest[] Store { get; init; }

        /// <summary>Each call's answer as the server hands it to a writer, for the encode rows.</summary>
        public ServingResult[] Answers { get; private set; } = [];

        /// <summary>Each answer as the gRPC client receives it, for the decode row.</summary>
        public byte[][] EncodedAnswers { get; private set; } = [];

        public static Calls Create(DefinitionSet definitions, string[] features, int rows, int entities, int seed)
        {
            const int count = 512;
            var random = new Random(seed);
            var references = definitions.ResolveReferences(features);
            var planCache = new ReadPlanCache();
            var grpc = new GetOnlineFeaturesRequest[count];
            var json = new byte[count][];
            var grpcService = new GetOnlineFeaturesRequest[count];
            var grpcLogged = new GetOnlineFeaturesRequest[count];
            var jsonService = new byte[count][];
            var jsonLogged = new byte[count][];
            var keys = new RedisKey[count][];
            var store = new OnlineReadRequest[count];
            RedisValue[] fields = [];
            for (var c = 0; c < count; c++)
            {
                var ids = Enumerable.Range(0, rows).Select(_ => (long)random.Next(1, entities + 1)).ToArray();
                var request = new GetOnlineFeaturesRequest { Features = { features } };
                request.Entities.Add("driver_id", ValueConversion.ToColumn(ids));
                grpc[c] = request;
                json[c] = Encoding.UTF8.GetBytes(
                    $"{{\"features\":[{string.Join(",", features.Select(f => $"\"{f}\""))}],\"entities\":{{\"driver_id\":[{string.Join(",", ids)}]}}}}");
                foreach (var (service, grpcCalls, jsonCalls) in new[] { (PlainService, grpcService, jsonService), (LoggedService, grpcLogged, jsonLogged) })
                {
                    var byService = new GetOnlineFeaturesRequest { FeatureService = service };
                    byService.Entities.Add("driver_id", ValueConversion.ToColumn(ids));
                    grpcCalls[c] = byService;
                    jsonCalls[c] = Encoding.UTF8.GetBytes($"{{\"feature_service\":\"{service}\",\"entities\":{{\"driver_id\":[{string.Join(",", ids)}]}}}}");
                }
                // The exact keys and fields the store reads for this request (one entity set: driver).
                store[c] = new OnlineReadRequest(definitions, references,
                    new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = ids.Cast<object?>().ToArray() }, DateTimeOffset.UtcNow);
                var plan = OnlineReadPlan.Create(store[c], planCache.For(definitions));
                var set = plan.EntitySets.Single();
                keys[c] = plan.RowKeys.Single().Select(k => k!.Value).ToArray();
                fields = set.Fields;
            }
            return new Calls
            {
                Count = count, Grpc = grpc, Json = json, Keys = keys, Fields = fields, Store = store,
                GrpcService = grpcService, GrpcLogged = grpcLogged, JsonService = jsonService, JsonLogged = jsonLogged,
            };
        }

        public async Task ReadAnswersAsync(IOnlineStore store, DefinitionSet definitions)
        {
            string[] names = ["driver_id", .. definitions.FeatureViews.SelectMany(v => v.Features.Select(f => f.Name))];
            var answers = new ServingResult[Count];
            for (var c = 0; c < Count; c++)
            {
                var read = await store.ReadAsync(Store[c] with { ReadTime = DateTimeOffset.UtcNow });
                var ids = Store[c].EntityColumns["driver_id"];
                answers[c] = new ServingResult(names, [new EntityColumn("driver_id", ids)], read, ids.Count);
            }
            Answers = answers;
            EncodedAnswers = answers.Select(a => GrpcResponseWriter.Write(a).ToByteArray()).ToArray();
        }

        /// <summary>The raw baseline: one HMGET per entity, all in one pipelined batch, as the store does.</summary>
        public Task ReadRawAsync(IDatabase database, int index)
        {
            var batch = database.CreateBatch();
            var keys = Keys[index];
            var replies = new Task<RedisValue[]>[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                replies[i] = batch.HashGetAsync(keys[i], Fields);
            }
            batch.Execute();
            return Task.WhenAll(replies);
        }
    }

    /// <summary>Latency percentiles (ms), calls per second, and the server process's CPU time per call (µs).</summary>
    private sealed record Stats(double P50, double P99, double Throughput, int Calls, double ServerCpuMicrosPerCall);

    private static async Task<Stats> MeasureAsync(Func<int, Task> call, int parallelism, TimeSpan duration, Process server)
    {
        // Warm-up (JIT, connections, Redis caches), then the measured window.
        await RunAsync(call, parallelism, TimeSpan.FromMilliseconds(Math.Min(1000, duration.TotalMilliseconds / 2)));
        server.Refresh();
        var cpuBefore = server.TotalProcessorTime;
        var (latencies, elapsed) = await RunAsync(call, parallelism, duration);
        server.Refresh();
        var cpu = server.TotalProcessorTime - cpuBefore;
        latencies.Sort();
        double Percentile(double p) => Stopwatch.GetElapsedTime(0, latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))]).TotalMilliseconds;
        return new Stats(Percentile(0.50), Percentile(0.99), latencies.Count / elapsed.TotalSeconds, latencies.Count,
            cpu.TotalMicroseconds / latencies.Count);
    }

    /// <summary>The server's own metrics, to split a lookup's time into in-server time and its store read.</summary>
    private static async Task<string[]> ScrapeAsync(HttpClient http) =>
        (await http.GetStringAsync("/metrics")).Split('\n');

    /// <summary>Mean of a histogram over the window between two scrapes (sum and count of matching series), in ms.</summary>
    private static string MeanMs(string[] before, string[] after, string histogram, string labelFilter)
    {
        double Total(string[] lines, string suffix) => lines
            .Where(l => l.StartsWith(histogram + suffix, StringComparison.Ordinal) && l.Contains(labelFilter, StringComparison.Ordinal)
                        && (labelFilter.Length == 0 || l.Contains("status=\"OK\"", StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        var count = Total(after, "_count") - Total(before, "_count");
        var sum = Total(after, "_sum") - Total(before, "_sum");
        return count > 0 ? (sum / count * 1000).ToString("0.000", CultureInfo.InvariantCulture) : "-";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static async Task<(List<long> Latencies, TimeSpan Elapsed)> RunAsync(Func<int, Task> call, int parallelism, TimeSpan duration)
    {
        const int maxCallsPerWorker = 2_000_000;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, parallelism).Select(w => Task.Run(async () =>
        {
            var latencies = new List<long>(16_384);
            for (var i = w * 7919; clock.Elapsed < duration && latencies.Count < maxCallsPerWorker; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await call(i);
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
            return latencies;
        })).ToArray();
        var all = await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        return (all.SelectMany(l => l).ToList(), elapsed);
    }

    /// <summary>The in-process encode and decode rows: CPU work without I/O, measured sequentially only.</summary>
    private static bool IsCodec(string transport) =>
        transport.StartsWith("encode", StringComparison.Ordinal) || transport.StartsWith("decode", StringComparison.Ordinal);

    /// <summary>Writes one answer into this thread's reused buffer, as the server writes into Kestrel's pooled pipe.</summary>
    private static Task Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = EncodeBuffer.Value!;
        buffer.ResetWrittenCount();
        write(buffer);
        return Task.CompletedTask;
    }

    private static async Task PostAsync(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        using var response = await http.PostAsync("/get-online-features", content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        await response.Content.CopyToAsync(Stream.Null);
    }

    private static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null);
    }

    /// <summary>A lookup must return real values, or the figures measure nothing.</summary>
    private static async Task CheckAnswersAsync(FeatureStoreClient client, HttpClient http, string[] features)
    {
        var answer = await client.GetOnlineFeaturesAsync(features,
            new Dictionary<string, IReadOnlyList<object?>> { ["driver_id"] = [1L, 2L] });
        var present = answer.Response.Results.Skip(1).Sum(r => r.Statuses.Count(s => s == FieldStatus.Present));
        if (present != 2 * FeatureCount)
        {
            throw new InvalidOperationException($"Expected {2 * FeatureCount} PRESENT values over gRPC, got {present}.");
        }
        using var response = await http.PostAsync("/get-online-features", new StringContent(
            $"{{\"features\":[\"{features[0]}\"],\"entities\":{{\"driver_id\":[1]}}}}", System.Text.Encoding.UTF8, "application/json"));
        if (!(await response.Content.ReadAsStringAsync()).Contains("\"PRESENT\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The HTTP lookup returned no PRESENT value.");
        }
    }

    private sealed record Figure(int Round, string Shape, string Mode, string Transport, Stats Stats, double DroppedLogRows = 0);

    private static bool IsLookup(string transport) => transport is "gRPC" or "HTTP" || transport.EndsWith("service", StringComparison.Ordinal) || transport.EndsWith("logged", StringComparison.Ordinal);

    /// <summary>A counter's value in a scrape (0 when absent).</summary>
    private static double Counter(string[] lines, string name) =>
        lines.Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture));

    /// <summary>
    /// Served-feature logging's cost, per shape, mode and transport: logged p50 / unlogged service p50 within each round
    /// (target &lt;= 1.1), median of the rounds, and the rows dropped over every logged figure (target: none at 16 in flight).
    /// </summary>
    private static void PrintLoggingRatios(List<Figure> results)
    {
        var logged = results.Where(r => r.Transport.EndsWith("logged", StringComparison.Ordinal)).ToArray();
        if (logged.Length == 0)
        {
            return;
        }
        Console.WriteLine();
        Console.WriteLine("Logging target: p50 with logging at rate 1.0 <= 1.1 x p50 without (same service shape, same round); no rows dropped at 16 in flight");
        foreach (var group in logged.GroupBy(r => (r.Shape, r.Mode, r.Transport)))
        {
            var plain = group.Key.Transport.Replace("logged", "service", StringComparison.Ordinal);
            var ratios = group.Select(r => (Logged: r, Plain: results.FirstOrDefault(p => p.Round == r.Round && p.Shape == r.Shape && p.Mode == r.Mode && p.Transport == plain)))
                .Where(pair => pair.Plain is not null)
                .Select(pair => pair.Logged.Stats.P50 / pair.Plain!.Stats.P50).ToArray();
            var dropped = group.Sum(r => r.DroppedLogRows);
            var ratio = ratios.Length == 0 ? double.NaN : Median(ratios);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {group.Key.Shape,-7} {group.Key.Mode,-12} {group.Key.Transport,-12} p50 ratio {ratio:0.00} {(ratio <= 1.1 ? "ok" : "MISSED")} (rounds: {string.Join(", ", ratios.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))}); dropped {dropped:0}{(dropped > 0 && group.Key.Mode != "sequential" ? " MISSED" : "")}"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Each figure's median over the rounds.</summary>
    private static void PrintMedians(List<Figure> results)
    {
        Console.WriteLine($"median over {results.Max(r => r.Round)} rounds");
        Console.WriteLine($"{"shape",-8} {"mode",-12} {"transport",-11} {"p50 ms",9} {"p99 ms",9} {"req/s",9}");
        foreach (var group in results.GroupBy(r => (r.Shape, r.Mode, r.Transport)))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.Shape,-8} {group.Key.Mode,-12} {group.Key.Transport,-11} {Median(group.Select(r => r.Stats.P50)),9:0.000} {Median(group.Select(r => r.Stats.P99)),9:0.000} {Median(group.Select(r => r.Stats.Throughput)),9:0}"));
        }
    }

    /// <summary>The backends side by side: each figure's median over the rounds, for the lookups and the raw read.</summary>
    private static void PrintBackends(List<(string Backend, List<Figure> Figures)> byBackend)
    {
        Console.WriteLine("backends compared in this run (median over the rounds)");
        Console.WriteLine($"{"shape",-8} {"mode",-12} {"transport",-11} {string.Join(" ", byBackend.Select(b => $"{b.Backend + " p50",14} {b.Backend + " p99",14} {b.Backend + " req/s",15}"))}");
        foreach (var key in byBackend[0].Figures.Where(f => f.Transport is "gRPC" or "HTTP" or "raw Redis").Select(f => (f.Shape, f.Mode, f.Transport)).Distinct())
        {
            var cells = byBackend.Select(b =>
            {
                var figures = b.Figures.Where(f => (f.Shape, f.Mode, f.Transport) == key).ToArray();
                return figures.Length == 0
                    ? $"{"-",14} {"-",14} {"-",15}"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{Median(figures.Select(f => f.Stats.P50)),14:0.000} {Median(figures.Select(f => f.Stats.P99)),14:0.000} {Median(figures.Select(f => f.Stats.Throughput)),15:0}");
            });
            Console.WriteLine($"{key.Shape,-8} {key.Mode,-12} {key.Transport,-11} {string.Join(" ", cells)}");
        }
    }

    /// <summary>Ratios computed within each round (figures of the same run), then their median.</summary>
    private static void PrintRatios(List<Figure> results)
    {
        var rounds = results.Select(r => r.Round).Distinct().Order().ToArray();
        Stats Get(int round, string shape, string mode, string transport) =>
            results.First(r => r.Round == round && r.Shape == shape && r.Mode == mode && r.Transport == transport).Stats;
        string Rounds(IEnumerable<double> values, string format) =>
            string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        Console.WriteLine();
        Console.WriteLine("Serving target (docs/performance.md): lookup p50 <= 1.3 x (empty call p50 + raw Redis p50), same round; median of the rounds");
        foreach (var (shape, mode) in results.Select(r => (r.Shape, r.Mode)).Distinct())
        {
            foreach (var (transport, empty) in new[] { ("gRPC", "empty gRPC"), ("HTTP", "empty HTTP") })
            {
                var ratios = rounds.Select(round =>
                    Get(round, shape, mode, transport).P50 / (Get(round, shape, mode, empty).P50 + Get(round, shape, mode, "raw Redis").P50)).ToArray();
                var ratio = Median(ratios);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {shape,-7} {mode,-12} {transport,-5} {ratio:0.00} {(ratio <= 1.3 ? "ok" : "MISSED")} (rounds: {Rounds(ratios, "0.00")})"));
            }
        }
        Console.WriteLine("Floor of that ratio for the answer shape alone: 1 + (encode + decode gRPC) p50 / (empty call p50 + raw Redis p50), sequential;");
        Console.WriteLine("a lookup costs at least an empty call, the raw read, writing its answer (column-major: not before the last reply)");
        Console.WriteLine("and, for gRPC, the client's parse of it (the HTTP rows only read the body)");
        foreach (var shape in results.Select(r => r.Shape).Distinct())
        {
            foreach (var (transport, empty, codec) in new[] { ("gRPC", "empty gRPC", new[] { "encode gRPC", "decode gRPC" }), ("HTTP", "empty HTTP", new[] { "encode JSON" }) })
            {
                var floors = rounds.Select(round => 1 + codec.Sum(c => Get(round, shape, "sequential", c).P50) /
                    (Get(round, shape, "sequential", empty).P50 + Get(round, shape, "sequential", "raw Redis").P50)).ToArray();
                var floor = Median(floors);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {shape,-7} sequential   {transport,-5} {floor:0.00}{(floor > 1.3 ? " above 1.3: out of reach for this answer shape" : "")} (rounds: {Rounds(floors, "0.00")})"));
            }
        }
        Console.WriteLine("Issue targets (sequential gRPC): p99 <= 1 ms for 1x50 and <= 5 ms for 100x50; p50 within 2x of raw Redis p50");
        foreach (var (shape, limit) in new[] { ($"1x{FeatureCount}", 1.0), ($"100x{FeatureCount}", 5.0) })
        {
            var p99 = Median(rounds.Select(round => Get(round, shape, "sequential", "gRPC").P99));
            var toRaw = Median(rounds.Select(round => Get(round, shape, "sequential", "gRPC").P50 / Get(round, shape, "sequential", "raw Redis").P50));
            var emptyToRaw = Median(rounds.Select(round => Get(round, shape, "sequential", "empty gRPC").P50 / Get(round, shape, "sequential", "raw Redis").P50));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {shape,-7} p99 {p99:0.000} ms {(p99 <= limit ? "ok" : "MISSED")}; p50 = {toRaw:0.00} x raw {(toRaw <= 2 ? "ok" : "MISSED")} (an empty gRPC call: {emptyToRaw:0.00} x raw; medians of the rounds)"));
        }
    }
}
