using System.Diagnostics;
using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Materializer.Cli;
using FeatureStore.Redis;
using StackExchange.Redis;

namespace FeatureStore.Bench;

/// <summary>
/// <c>cluster</c>: the same work on a single Redis and on a Redis Cluster of 3 primaries, in one run, alternating
/// round by round: materialization through the real <c>featurestore materialize</c> command (the materialize
/// benchmark's data, 10 features), and 100 x 50 lookups through the online store's read (the serving benchmark's
/// 50 features over 3 views), sequential and with 16 in flight. For each it prints the rate, the redis-server CPU
/// time per entity summed over the primaries and that of the busiest one (one Redis process runs on one core: the
/// busiest primary bounds the rate), and how the keys spread over the primaries.
/// <code>dotnet run -c Release --project bench/FeatureStore.Bench -- cluster [--entities N] [--versions N] [--lookup-entities N] [--seconds S] [--in-flight N] [--rounds N] [--replicas N]</code>
/// Uses FEATURESTORE_BENCH_REDIS / FEATURESTORE_BENCH_REDIS_CLUSTER when set, else starts its own servers from PATH.
/// </summary>
internal sealed class ClusterBenchmark : IBenchmark
{
    private const int Rows = 100;

    public string Name => "cluster";

    public async Task<int> RunAsync(string[] args)
    {
        var entities = BenchOptions.Int(args, "--entities", 300_000);
        var versions = BenchOptions.Int(args, "--versions", 3);
        var lookupEntities = BenchOptions.Int(args, "--lookup-entities", 200_000);
        var seconds = BenchOptions.Int(args, "--seconds", 3);
        var inFlight = BenchOptions.Int(args, "--in-flight", 16);
        var rounds = BenchOptions.Int(args, "--rounds", 3);
        var replicas = BenchOptions.Int(args, "--replicas", 0);
        var root = Directory.CreateTempSubdirectory("featurestore-bench-cluster-").FullName;
        try
        {
            await using var single = await BenchRedis.StartAsync(root);
            await using var cluster = await BenchCluster.StartAsync(root, primaries: 3, replicasPerPrimary: replicas);
            Console.WriteLine($"single: {single.Description}");
            Console.WriteLine($"cluster: {cluster.Description}");
            Console.WriteLine($"{Environment.ProcessorCount} cores; load average at start: {LoadAverage()}");
            var targets = new[] { ("single", single.ConnectionString), ("cluster", cluster.ConnectionString) };
            var admins = new Dictionary<string, ConnectionMultiplexer>();
            foreach (var (name, connectionString) in targets)
            {
                admins[name] = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
            }

            var end = DateTimeOffset.UtcNow;
            end = new DateTimeOffset(end.UtcTicks - end.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            await MaterializeBenchmark.WriteConfigAsync(root, $"online_store: {{type: redis, connection_string: \"{single.ConnectionString}\"}}");
            await MaterializeBenchmark.WriteRepositoryAsync(root, entities, versions, end);
            MaterializeBenchmark.Require(await CliApplication.RunAsync(["apply", "--repo", root], TextWriter.Null, Console.Error), "apply");
            Console.WriteLine($"materialize: {entities:N0} entities x {versions} versions x 10 features per run");
            var materialize = new List<(string Target, double Rate, double CpuTotal, double CpuBusiest)>();
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (name, connectionString) in targets)
                {
                    var admin = admins[name];
                    await MaterializeBenchmark.DeleteProjectAsync(admin, MaterializeBenchmark.Project);
                    var cpuBefore = await PrimaryCpuAsync(admin);
                    var clock = Stopwatch.StartNew();
                    MaterializeBenchmark.Require(await CliApplication.RunAsync(
                        ["materialize", "--repo", root, "--redis", connectionString, "--start", end.AddDays(-30).ToString("O"), "--end", end.ToString("O")],
                        TextWriter.Null, Console.Error), "materialize");
                    var elapsed = clock.Elapsed;
                    var cpu = Subtract(await PrimaryCpuAsync(admin), cpuBefore);
                    materialize.Add((name, entities / elapsed.TotalSeconds, cpu.Values.Sum() * 1e6 / entities, cpu.Values.Max() * 1e6 / entities));
                    Console.WriteLine(
                        $"  round {round} {name,-8} {elapsed.TotalSeconds,6:0.00} s = {entities / elapsed.TotalSeconds,9:N0} entities/s; redis CPU " +
                        $"{cpu.Values.Sum() * 1e6 / entities:0.00} µs/entity summed, {cpu.Values.Max() * 1e6 / entities:0.00} on the busiest primary; " +
                        $"keys per primary {string.Join(" / ", (await KeysPerPrimaryAsync(admin, MaterializeBenchmark.Project)).Select(k => k.ToString("N0", CultureInfo.InvariantCulture)))}");
                }
            }

            var definitions = ServingBenchmark.Definitions();
            var features = definitions.FeatureViews.SelectMany(v => v.Features.Select(f => $"{v.Name}:{f.Name}")).ToArray();
            var random = new Random(100);
            var requests = Enumerable.Range(0, 512).Select(_ => new OnlineReadRequest(definitions, definitions.ResolveReferences(features),
                new Dictionary<string, IReadOnlyList<object?>>
                {
                    ["driver_id"] = Enumerable.Range(0, Rows).Select(_ => (object?)(long)random.Next(1, lookupEntities + 1)).ToArray(),
                }, DateTimeOffset.UtcNow)).ToArray();
            var stores = new Dictionary<string, RedisOnlineStore>();
            foreach (var (name, connectionString) in targets)
            {
                await ServingBenchmark.WriteEntitiesAsync(admins[name], definitions, lookupEntities);
                // The server's settings: a 2 s store timeout.
                stores[name] = await RedisOnlineStore.ConnectAsync(connectionString, new RedisOnlineStoreOptions
                {
                    ConnectTimeout = TimeSpan.FromSeconds(2), CommandTimeout = TimeSpan.FromSeconds(2), ClientName = "featurestore-bench",
                });
            }
            Console.WriteLine($"lookups: {Rows} x {features.Length} features per request (3 views) over {lookupEntities:N0} entities, {seconds} s per figure");
            var lookups = new List<(string Target, string Mode, double P50, double P99, double Rate, double CpuPerRequest)>();
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var (mode, parallelism) in new[] { ("sequential", 1), ($"{inFlight} in flight", inFlight) })
                {
                    foreach (var (name, _) in targets)
                    {
                        var store = stores[name];
                        Func<int, Task> call = i => store.ReadAsync(requests[i % requests.Length] with { ReadTime = DateTimeOffset.UtcNow });
                        await MeasureAsync(call, parallelism, TimeSpan.FromSeconds(1));
                        var cpuBefore = await PrimaryCpuAsync(admins[name]);
                        var (latencies, elapsed) = await MeasureAsync(call, parallelism, TimeSpan.FromSeconds(seconds));
                        var cpu = Subtract(await PrimaryCpuAsync(admins[name]), cpuBefore);
                        latencies.Sort();
                        double Percentile(double p) => Stopwatch.GetElapsedTime(0, latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))]).TotalMilliseconds;
                        lookups.Add((name, mode, Percentile(0.5), Percentile(0.99), latencies.Count / elapsed.TotalSeconds, cpu.Values.Max() * 1e6 / latencies.Count));
                        Console.WriteLine(
                            $"  round {round} {name,-8} {mode,-12} p50 {Percentile(0.5),7:0.000} ms  p99 {Percentile(0.99),7:0.000} ms  {latencies.Count / elapsed.TotalSeconds,8:N0} req/s; " +
                            $"busiest primary {cpu.Values.Max() * 1e6 / latencies.Count:0} µs CPU per request, all {cpu.Values.Sum() * 1e6 / latencies.Count:0}");
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine("medians over the rounds:");
            foreach (var (name, _) in targets)
            {
                var runs = materialize.Where(m => m.Target == name).ToArray();
                Console.WriteLine(
                    $"materialize {name,-8} {Median(runs.Select(r => r.Rate)),9:N0} entities/s; redis CPU {Median(runs.Select(r => r.CpuTotal)):0.00} µs/entity summed, " +
                    $"{Median(runs.Select(r => r.CpuBusiest)):0.00} on the busiest primary (bound {1e6 / Median(runs.Select(r => r.CpuBusiest)):N0} entities/s with a core per primary)");
            }
            foreach (var mode in lookups.Select(l => l.Mode).Distinct())
            {
                foreach (var (name, _) in targets)
                {
                    var runs = lookups.Where(l => l.Target == name && l.Mode == mode).ToArray();
                    Console.WriteLine(
                        $"lookups 100x50 {name,-8} {mode,-12} p50 {Median(runs.Select(r => r.P50)):0.000} ms  p99 {Median(runs.Select(r => r.P99)):0.000} ms  " +
                        $"{Median(runs.Select(r => r.Rate)):N0} req/s; busiest primary {Median(runs.Select(r => r.CpuPerRequest)):0} µs CPU per request");
                }
            }
            foreach (var store in stores.Values)
            {
                await store.DisposeAsync();
            }
            foreach (var admin in admins.Values)
            {
                await admin.DisposeAsync();
            }
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Each primary's redis-server CPU seconds (user + system), by endpoint.</summary>
    private static async Task<Dictionary<string, double>> PrimaryCpuAsync(ConnectionMultiplexer redis)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var server in await new RedisOnlineStore(redis).PrimariesAsync(new OnlineKeyLayout(MaterializeBenchmark.Project)))
        {
            var info = (await server.InfoAsync("cpu")).SelectMany(g => g).ToArray();
            double Read(string name) => double.Parse(info.First(p => p.Key == name).Value, CultureInfo.InvariantCulture);
            result[server.EndPoint.ToString()!] = Read("used_cpu_user") + Read("used_cpu_sys");
        }
        return result;
    }

    private static Dictionary<string, double> Subtract(Dictionary<string, double> after, Dictionary<string, double> before) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key), StringComparer.Ordinal);

    private static async Task<long[]> KeysPerPrimaryAsync(ConnectionMultiplexer redis, string project)
    {
        var counts = new List<long>();
        foreach (var server in await new RedisOnlineStore(redis).PrimariesAsync(new OnlineKeyLayout(project)))
        {
            long count = 0;
            await foreach (var _ in server.KeysAsync(pattern: new OnlineKeyLayout(project).EntityKeyPattern, pageSize: 5000))
            {
                count++;
            }
            counts.Add(count);
        }
        return counts.ToArray();
    }

    private static async Task<(List<long> Latencies, TimeSpan Elapsed)> MeasureAsync(Func<int, Task> call, int parallelism, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, parallelism).Select(w => Task.Run(async () =>
        {
            var latencies = new List<long>(16_384);
            for (var i = w * 7919; clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await call(i);
                latencies.Add(Stopwatch.GetTimestamp() - started);
            }
            return latencies;
        })).ToArray();
        var all = await Task.WhenAll(workers);
        return (all.SelectMany(l => l).ToList(), clock.Elapsed);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
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
}
