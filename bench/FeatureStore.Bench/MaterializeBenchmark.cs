using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using FeatureStore.Materializer.Cli;
using StackExchange.Redis;
using FeatureStore.Redis;
using FeatureStore.DuckDb;

namespace FeatureStore.Bench;

/// <summary>
/// <c>materialize</c>: 1,000,000 entities x 10 features (10,000,000 source rows, generated with DuckDB) through the
/// real <c>featurestore materialize</c> command, in-process. Reports in one run: DuckDB selection time, end-to-end
/// entities/s, peak RSS of the materialization, Redis memory per entity, and the raw baseline: the same number of
/// hashes with the same key and field layout written by plain pipelined HSET with StackExchange.Redis; and the ratio.
/// For reference it also times HSET + PEXPIREAT (the cheapest write that keeps the per-key expiry the issue pins).
/// Targets: >= 300,000 entities/s, >= 0.6 of raw HSET, peak RSS &lt; 1 GB.
/// Options: <c>--entities N</c> (default 1,000,000), <c>--versions N</c> rows per entity (default 10), <c>--rounds N</c>
/// (default 3): materialization and baseline alternate, each round into an empty keyspace; the median round is reported.
/// <c>--backend redis|embedded|redis,embedded</c> (default redis): the store, or both one after the other in the same
/// run over the same data, with a comparison at the end. Redis: FEATURESTORE_BENCH_REDIS, or a redis-server started on
/// a free port; embedded: Garnet hosted by this process (the command connects to it as a server would), then its
/// checkpoint at exit and the next host's recovery are timed.
/// </summary>
internal sealed class MaterializeBenchmark : IBenchmark
{
    internal const string Project = "bench_materialize";
    private const string RawProject = "bench_raw_hset";
    private const int FeatureCount = 10;

    /// <summary>
    /// The benchmark's own connection: cleanup SCANs by pattern, and Garnet walks its whole keyspace in one SCAN call
    /// when few keys match (Redis stops after COUNT slots), which takes seconds at a million keys.
    /// </summary>
    private const string AdminOptions = ",allowAdmin=true,syncTimeout=300000,asyncTimeout=300000";

    public string Name => "materialize";

    public async Task<int> RunAsync(string[] args)
    {
        var entities = BenchOptions.Int(args, "--entities", 1_000_000);
        var versions = BenchOptions.Int(args, "--versions", 10);
        var rounds = BenchOptions.Int(args, "--rounds", 3);
        var backends = BenchStore.Parse(args);
        var root = Directory.CreateTempSubdirectory("featurestore-bench-materialize-").FullName;
        try
        {
            var end = DateTimeOffset.UtcNow;
            end = new DateTimeOffset(end.UtcTicks - end.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var clock = Stopwatch.StartNew();
            await WriteRepositoryAsync(root, entities, versions, end);
            Console.WriteLine($"generated {(long)entities * versions:N0} source rows ({entities:N0} entities x {versions} versions x {FeatureCount} features) in {clock.Elapsed.TotalSeconds:0.0} s");
            var medians = new List<(string Backend, RoundResult Median)>();
            foreach (var backend in backends)
            {
                Console.WriteLine();
                Console.WriteLine($"== backend: {backend}");
                await using var store = await BenchStore.StartAsync(Path.Combine(root, "store-" + backend), backend);
                await WriteConfigAsync(root, store.OnlineStoreYaml);
                if (medians.Count == 0)
                {
                    Require(await CliApplication.RunAsync(["apply", "--repo", root], TextWriter.Null, Console.Error), "apply");
                    var selectionCpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var selection = await MeasureSelectionAsync(root, end);
                    selectionCpu = Process.GetCurrentProcess().TotalProcessorTime - selectionCpu;
                    Console.WriteLine($"DuckDB selection (the engine's query run inside DuckDB, rows hashed, not transferred): {selection.Elapsed.TotalSeconds:0.00} s for {selection.Rows:N0} keys, {selectionCpu.TotalSeconds:0.00} s CPU");
                }
                medians.Add((backend, await RunBackendAsync(store, root, entities, versions, rounds, end)));
            }
            if (medians.Count > 1)
            {
                Console.WriteLine();
                Console.WriteLine($"backends compared in this run ({entities:N0} entities, median rounds):");
                Console.WriteLine($"{"backend",-10} {"end to end s",13} {"entities/s",11} {"raw HSET/s",11} {"ratio",6} {"peak RSS MB",12}");
                foreach (var (backend, m) in medians)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{backend,-10} {m.EndToEnd.TotalSeconds,13:0.00} {m.Rate,11:N0} {m.RawRate,11:N0} {m.Ratio,6:0.00} {m.PeakRss / 1048576.0,12:N0}"));
                }
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

    /// <summary>The rounds against one backend; returns the median round.</summary>
    private static async Task<RoundResult> RunBackendAsync(BenchStore store, string root, int entities, int versions, int rounds, DateTimeOffset end)
    {
        Console.WriteLine($"online store: {store.Description}");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString + AdminOptions);
        // Rounds alternate the two measurements, each from the same empty keyspace, so a burst of load on this
        // shared host hits one round rather than deciding the ratio; the median round is the figure.
        var results = new List<RoundResult>();
        for (var round = 1; round <= rounds; round++)
        {
            var result = await RunRoundAsync(store, redis, root, entities, end);
            results.Add(result);
            Console.WriteLine($"round {round}/{rounds}: {result.MaterializeOutput.Trim()}");
            Console.WriteLine(
                $"  end to end {result.EndToEnd.TotalSeconds:0.00} s = {result.Rate:N0} entities/s; {ServerCpu(result.RedisCpu, entities, "entity")}, this process {result.Cpu.TotalSeconds:0.00} s; peak RSS {result.PeakRss / 1048576.0:N0} MB");
            Console.WriteLine(
                $"  raw pipelined HSET (same keys, one field of the same bytes per hash) {result.Raw.TotalSeconds:0.00} s = {result.RawRate:N0} hashes/s; {ServerCpu(result.RawRedisCpu, entities, "hash")}, this process {result.RawCpu.TotalSeconds:0.00} s");
            Console.WriteLine($"  raw pipelined HSET + PEXPIREAT (the same plus each key's expiry, no compare): {result.RawWithExpiryRate:N0} hashes/s");
            Console.WriteLine($"  ratio {result.Ratio:0.00} (to HSET + PEXPIREAT {result.RatioWithExpiry:0.00}); store memory {(result.MemoryPerEntity is { } bytes ? $"{bytes:N0} bytes per entity" : "- (Garnet reports no used_memory)")}");
        }
        var median = results.OrderBy(r => r.Ratio).ElementAt(results.Count / 2);
        var peakRss = results.Max(r => r.PeakRss);
        Console.WriteLine($"median round (ratio; {rounds} rounds, ratios {string.Join(", ", results.Select(r => r.Ratio.ToString("0.00", CultureInfo.InvariantCulture)))}):");
        Console.WriteLine($"end to end: {median.EndToEnd.TotalSeconds:0.00} s, {median.Rate:N0} entities/s ({median.Rate * versions:N0} source rows/s)");
        Console.WriteLine($"peak RSS during materialize: {peakRss / 1048576.0:N0} MB (highest round{(store.Backend == BenchStore.Embedded ? "; includes Garnet, hosted in this process" : "")})");
        if (median.MemoryPerEntity is { } perEntity)
        {
            Console.WriteLine($"Redis memory: {perEntity:N0} bytes per entity");
        }
        Console.WriteLine($"raw baseline, pipelined HSET: {median.Raw.TotalSeconds:0.00} s, {median.RawRate:N0} hashes/s");
        Console.WriteLine($"ratio end-to-end / raw HSET: {median.Ratio:0.00}");
        Console.WriteLine($"for reference, raw HSET + PEXPIREAT: {median.RawWithExpiryRate:N0} hashes/s; ratio end-to-end / that: {median.RatioWithExpiry:0.00}");
        if (median.RedisCpu is { } redisCpu && median.RawRedisCpu is { } rawRedisCpu)
        {
            // redis-server is single-threaded: its CPU per key bounds the rate whatever the client does.
            Console.WriteLine($"redis-server CPU bound: materialize <= {entities / redisCpu:N0} entities/s, raw HSET <= {entities / rawRedisCpu:N0} hashes/s (ratio <= {rawRedisCpu / redisCpu:0.00})");
        }
        Console.WriteLine($"targets: >= 300,000 entities/s [{(median.Rate >= 300_000 ? "met" : "missed")}], >= 0.6 of raw [{(median.Ratio >= 0.6 ? "met" : "missed")}], peak RSS < 1 GB [{(peakRss < 1L << 30 ? "met" : "missed")}]");

        if (store.Backend == BenchStore.Embedded)
        {
            // What a CLI command hosting the store pays beyond the writes: a checkpoint at exit, and the next
            // process's recovery of everything written (here the last round's hashes).
            await redis.CloseAsync();
            var checkpoint = await store.ReleaseHostingAsync();
            var bytes = store.FolderBytes() ?? 0;
            var recovery = await store.HostAgainAsync();
            Console.WriteLine(
                $"embedded hosting: checkpoint and stop {checkpoint.TotalSeconds:0.00} s; folder {bytes / 1048576.0:N0} MB ({bytes / (double)entities:N0} bytes per entity); next host opens it in {recovery.TotalSeconds:0.00} s");
            await using var again = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString + AdminOptions);
            await DeleteProjectAsync(again, Project);
            await DeleteProjectAsync(again, RawProject);
        }
        else
        {
            await DeleteProjectAsync(redis, Project);
            await DeleteProjectAsync(redis, RawProject);
        }
        return median;
    }

    private static string ServerCpu(double? seconds, int entities, string unit) => seconds is { } cpu
        ? $"redis-server CPU {cpu * 1e6 / entities:0.00} µs per {unit}"
        : "store CPU in this process";

    private sealed record RoundResult(
        string MaterializeOutput, TimeSpan EndToEnd, double Rate, long PeakRss, TimeSpan Cpu, double? RedisCpu, double? MemoryPerEntity,
        TimeSpan Raw, double RawRate, TimeSpan RawCpu, double? RawRedisCpu, double RawWithExpiryRate)
    {
        public double Ratio => Rate / RawRate;

        /// <summary>Against HSET + PEXPIREAT: what the compare-and-set and the selection cost beyond the pinned expiry.</summary>
        public double RatioWithExpiry => Rate / RawWithExpiryRate;
    }

    /// <summary>One materialization through the real command, then the raw HSET baseline, each into an empty keyspace.</summary>
    private static async Task<RoundResult> RunRoundAsync(BenchStore store, ConnectionMultiplexer redis, string root, int entities, DateTimeOffset end)
    {
        await DeleteProjectAsync(redis, Project);
        await DeleteProjectAsync(redis, RawProject);
        GC.Collect();
        ResetPeakRss();
        var before = await store.UsedMemoryAsync(redis);
        var redisCpuBefore = await store.ServerCpuSecondsAsync(redis);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = end.AddDays(-30);
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        Require(await CliApplication.RunAsync(
            ["materialize", "--repo", root, "--start", start.ToString("O"), "--end", end.ToString("O")], output, Console.Error), "materialize");
        var endToEnd = clock.Elapsed;
        var peakRss = PeakRssBytes();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var redisCpu = await store.ServerCpuSecondsAsync(redis) - redisCpuBefore;
        var memoryPerEntity = (await store.UsedMemoryAsync(redis) - before) / (double)entities;

        await DeleteProjectAsync(redis, Project);
        var redisCpuBeforeRaw = await store.ServerCpuSecondsAsync(redis);
        var cpuBeforeRaw = Process.GetCurrentProcess().TotalProcessorTime;
        var raw = await RawHsetAsync(redis, entities, end);
        var cpuRaw = Process.GetCurrentProcess().TotalProcessorTime - cpuBeforeRaw;
        var redisCpuRaw = await store.ServerCpuSecondsAsync(redis) - redisCpuBeforeRaw;
        await DeleteProjectAsync(redis, RawProject);
        var rawWithExpiry = await RawHsetAsync(redis, entities, end, withExpiry: true);
        return new RoundResult(
            output.ToString(), endToEnd, entities / endToEnd.TotalSeconds, peakRss, cpu, redisCpu, memoryPerEntity,
            raw, entities / raw.TotalSeconds, cpuRaw, redisCpuRaw, entities / rawWithExpiry.TotalSeconds);
    }

    /// <summary>featurestore.yaml naming the store under test; the registry and the data are shared by every backend.</summary>
    internal static Task WriteConfigAsync(string root, string onlineStoreYaml) =>
        File.WriteAllTextAsync(Path.Combine(root, "featurestore.yaml"), $"""
            project: {Project}
            {onlineStoreYaml}
            offline_store:
              type: duckdb
            registry: .featurestore/registry
            """);

    internal static async Task WriteRepositoryAsync(string root, int entities, int versions, DateTimeOffset end)
    {
        var features = string.Join("\n", Enumerable.Range(0, FeatureCount).Select(i => $"      - {{name: f{i}, type: {(i < 5 ? "float64" : "int64")}}}"));
        await File.WriteAllTextAsync(Path.Combine(root, "bench.yaml"), $"""
            entities:
              - name: driver
                join_key: driver_id
                value_type: int64
            sources:
              - name: bench_source
                path: data/bench.parquet
                timestamp_field: event_timestamp
                created_timestamp_field: created
            feature_views:
              - name: bench_stats
                entities: [driver]
                source: bench_source
                ttl: 30d
                features:
            {features}
            """);
        Directory.CreateDirectory(Path.Combine(root, "data"));
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var doubles = string.Join(", ", Enumerable.Range(0, 5).Select(i => $"random() AS f{i}"));
        var longs = string.Join(", ", Enumerable.Range(5, 5).Select(i => $"CAST(random() * 100000 AS BIGINT) AS f{i}"));
        command.CommandText = $"""
            COPY (SELECT i % $entities AS driver_id,
                         CAST($end AS TIMESTAMP) - to_minutes(CAST(i // $entities AS BIGINT) * 37 + i % 13) AS event_timestamp,
                         CAST($end AS TIMESTAMP) - to_minutes(CAST(i // $entities AS BIGINT) * 37) AS created,
                         {doubles}, {longs}
                    FROM range(CAST($rows AS BIGINT)) t(i))
            TO '{Path.Combine(root, "data", "bench.parquet").Replace("'", "''")}' (FORMAT PARQUET)
            """;
        command.Parameters.Add(new DuckDBParameter("entities", (long)entities));
        command.Parameters.Add(new DuckDBParameter("rows", (long)entities * versions));
        command.Parameters.Add(new DuckDBParameter("end", end.UtcDateTime));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The engine's own query, aggregated and counted inside DuckDB: the selection cost without transfer.</summary>
    private static async Task<(TimeSpan Elapsed, long Rows)> MeasureSelectionAsync(string root, DateTimeOffset end)
    {
        var config = Core.Loading.RepositoryLoader.LoadConfig(root);
        var registry = Core.Registry.FileRegistry.ForConfig(config);
        var definitions = (await registry.GetCurrentAsync())!.Definitions;
        var view = definitions.FeatureViews.Single();
        var source = definitions.GetSource(view.Source);
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "SET TimeZone = 'UTC'; SET preserve_insertion_order = false";
            await setup.ExecuteNonQueryAsync();
        }
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = "DESCRIBE SELECT * FROM read_parquet($path)";
            describe.Parameters.Add(new DuckDBParameter("path", source.ResolvePath(root)));
            await using var reader = await describe.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var query = LatestRowsQuery.Create(definitions, LatestRowLayout.For(definitions, view), root, hasStart: true, columns);
        await using var command = connection.CreateCommand();
        // Every column of every selected row is hashed, so DuckDB cannot prune any of the work.
        command.CommandText = $"SELECT count(*), sum(hash(x)) FROM ({query.Sql}) x";
        command.Parameters.Add(new DuckDBParameter("path", query.Path));
        command.Parameters.Add(new DuckDBParameter("start", end.AddDays(-30).UtcDateTime));
        command.Parameters.Add(new DuckDBParameter("end", end.UtcDateTime));
        var clock = Stopwatch.StartNew();
        await using var result = await command.ExecuteReaderAsync();
        await result.ReadAsync();
        return (clock.Elapsed, result.GetInt64(0));
    }

    /// <summary>
    /// Plain pipelined HSET of the same key layout and the same stored bytes (version header + encoded values),
    /// batches of 1,000 with a bounded number in flight, every reply awaited.
    /// </summary>
    private static async Task<TimeSpan> RawHsetAsync(ConnectionMultiplexer redis, int entities, DateTimeOffset end, bool withExpiry = false)
    {
        var view = new FeatureViewDefinition
        {
            Name = "bench_stats", Entities = ["driver"], Source = "bench_source",
            Features = Enumerable.Range(0, FeatureCount)
                .Select(i => new FeatureDefinition { Name = $"f{i}", Type = new FeatureType(i < 5 ? ScalarType.Float64 : ScalarType.Int64) }).ToArray(),
        };
        var definitions = new DefinitionSet
        {
            Project = RawProject,
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) }],
            FeatureViews = [view],
        };
        var keys = new OnlineKeyLayout(RawProject).ForView(definitions, view);
        var codec = new FeatureValueCodec(view.Features);
        var field = OnlineKeyLayout.ViewField(view.Name);
        var keyWriter = new EntityKeyWriter();
        var values = new FeatureBlobWriter();
        var random = new Random(1);
        var eventMicros = TimestampMicros.FromDateTimeOffset(end);
        var expiry = end.AddDays(30).UtcDateTime;
        var database = redis.GetDatabase();
        var inFlight = new Queue<Task>();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < entities; start += 1000)
        {
            var batch = database.CreateBatch();
            var count = Math.Min(1000, entities - start);
            var tasks = new Task[withExpiry ? 2 * count : count];
            for (var i = 0; i < count; i++)
            {
                keyWriter.Reset();
                keyWriter.AppendInt64(start + i);
                values.Begin(codec.Fingerprint, FeatureCount);
                for (var f = 0; f < 5; f++)
                {
                    values.WriteFloat64(random.NextDouble());
                }
                for (var f = 5; f < FeatureCount; f++)
                {
                    values.WriteInt64(random.Next(0, 100_000));
                }
                values.Complete();
                var key = keys.BuildKey(keyWriter.Written);
                tasks[i] = batch.HashSetAsync(key, field, StoredViewValue.Create(new RowVersion(eventMicros, eventMicros), values.Written));
                if (withExpiry)
                {
                    // The cheapest write that keeps the issue's per-key expiry: no compare, no script.
                    tasks[count + i] = batch.KeyExpireAsync(key, expiry);
                }
            }
            batch.Execute();
            inFlight.Enqueue(Task.WhenAll(tasks));
            if (inFlight.Count >= 8)
            {
                await inFlight.Dequeue();
            }
        }
        while (inFlight.Count > 0)
        {
            await inFlight.Dequeue();
        }
        return clock.Elapsed;
    }

    internal static async Task DeleteProjectAsync(ConnectionMultiplexer redis, string project)
    {
        var layout = new OnlineKeyLayout(project);
        var database = redis.GetDatabase();
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica))
        {
            var batch = new List<Task>();
            await foreach (var key in server.KeysAsync(pattern: layout.EntityKeyPattern, pageSize: 5000))
            {
                batch.Add(database.KeyDeleteAsync(key));
                if (batch.Count >= 5000)
                {
                    await Task.WhenAll(batch);
                    batch.Clear();
                }
            }
            await Task.WhenAll(batch);
        }
        await database.KeyDeleteAsync([layout.ViewsKey, layout.LockKey("bench_stats")]);
    }

    /// <summary>Linux: resets VmHWM so the next reading is the peak of what follows.</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("(could not reset peak RSS; the figure covers the whole process)");
        }
    }

    private static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return Environment.WorkingSet;
    }

    internal static void Require(int exitCode, string what)
    {
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"featurestore {what} exited with {exitCode}.");
        }
    }
}
