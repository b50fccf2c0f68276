using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.DuckDb;
using FeatureStore.Redis;
using StackExchange.Redis;

namespace FeatureStore.Bench;

/// <summary>
/// <c>profile</c>: the materialize benchmark's data (1,000,000 entities x 10 versions x 10 features, generated with
/// DuckDB) profiled as <c>featurestore profile --start --end</c> does (latest row per key kept, then profiled), against
/// DuckDB's own <c>SUMMARIZE</c> over the same latest-row selection, alternating in the same run (target: at most
/// 1.5x). Then <c>materialize</c> of the same window with checks and profiling on (every feature checked) against
/// off, alternating, each into an empty keyspace (target: at most 1.15x). Medians of the rounds are reported.
/// Options: <c>--entities N</c>, <c>--versions N</c>, <c>--rounds N</c> (default 3), <c>--no-materialize</c> (skip
/// the Redis part). Redis: FEATURESTORE_BENCH_REDIS, or a redis-server started on a free port.
/// </summary>
internal sealed class ProfileBenchmark : IBenchmark
{
    public string Name => "profile";

    public async Task<int> RunAsync(string[] args)
    {
        var entities = BenchOptions.Int(args, "--entities", 1_000_000);
        var versions = BenchOptions.Int(args, "--versions", 10);
        var rounds = BenchOptions.Int(args, "--rounds", 3);
        var withMaterialize = !args.Contains("--no-materialize");
        var root = Directory.CreateTempSubdirectory("featurestore-bench-profile-").FullName;
        try
        {
            await using var benchRedis = withMaterialize ? await BenchRedis.StartAsync(root) : null;
            var end = DateTimeOffset.UtcNow;
            end = new DateTimeOffset(end.UtcTicks - end.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            var start = end.AddDays(-30);
            var clock = Stopwatch.StartNew();
            await MaterializeBenchmark.WriteConfigAsync(root, $"online_store: {{type: redis, connection_string: \"{benchRedis?.ConnectionString ?? "localhost:6379"}\"}}");
            await MaterializeBenchmark.WriteRepositoryAsync(root, entities, versions, end);
            await AddChecksAsync(root);
            Console.WriteLine($"generated {(long)entities * versions:N0} source rows ({entities:N0} entities x {versions} versions x 10 features) in {clock.Elapsed.TotalSeconds:0.0} s");
            var loaded = await RepositoryLoader.LoadAsync(root, new DuckDbSourceSchemaReader());
            var registry = FileRegistry.ForConfig(loaded.Config);
            var version = (await registry.ApplyAsync(loaded.Definitions)).Version;
            var definitions = version.Definitions;
            var view = definitions.FeatureViews.Single();
            var request = new LatestRowsRequest(definitions, view, root, start, end);

            var profiles = new List<(TimeSpan Profile, TimeSpan Selection, TimeSpan Passes, TimeSpan Summarize)>();
            for (var round = 1; round <= rounds; round++)
            {
                var summarize = await SummarizeAsync(request);
                clock.Restart();
                var selection = await new DuckDbFeatureProfiler().ProfileLatestRowsAsync(request, CheckEvaluator.RowChecksOf(view));
                var profile = clock.Elapsed;
                if (selection.Profile.RowCount != entities)
                {
                    throw new InvalidOperationException($"The profile saw {selection.Profile.RowCount:N0} keys, not {entities:N0}.");
                }
                profiles.Add((profile, selection.SelectionTime, selection.ProfileTime, summarize));
                Console.WriteLine(Invariant(
                    $"round {round}/{rounds}: profile {profile.TotalSeconds:0.00} s (selection kept {selection.SelectionTime.TotalSeconds:0.00} s, profile passes {selection.ProfileTime.TotalSeconds:0.00} s); SUMMARIZE {summarize.TotalSeconds:0.00} s; ratio {profile / summarize:0.00}"));
            }
            var medianProfile = profiles.OrderBy(p => p.Profile / p.Summarize).ElementAt(profiles.Count / 2);
            var profileRatio = medianProfile.Profile / medianProfile.Summarize;
            Console.WriteLine(Invariant(
                $"profile of {entities:N0} keys x 10 features: {medianProfile.Profile.TotalSeconds:0.00} s against SUMMARIZE {medianProfile.Summarize.TotalSeconds:0.00} s over the same selection; ratio {profileRatio:0.00} (median of {rounds}) [target <= 1.5: {(profileRatio <= 1.5 ? "met" : "missed")}]"));

            if (benchRedis is not null)
            {
                await MeasureMaterializeAsync(benchRedis, loaded.Config, registry, version, root, start, end, entities, rounds);
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

    /// <summary>Checks on every feature: the work a checked materialization does at most.</summary>
    private static async Task AddChecksAsync(string root)
    {
        var path = Path.Combine(root, "bench.yaml");
        var text = await File.ReadAllTextAsync(path);
        for (var i = 0; i < 10; i++)
        {
            var type = i < 5 ? "float64" : "int64";
            var checks = i < 5 ? "{not_null: true, min: 0, max: 1}" : "{max_null_fraction: 0.01, min: 0, max: 100000, severity: warn}";
            text = text.Replace($"{{name: f{i}, type: {type}}}", $"{{name: f{i}, type: {type}, checks: {checks}}}");
        }
        await File.WriteAllTextAsync(path, text);
    }

    /// <summary>DuckDB's SUMMARIZE of the engine's latest-row query, in a connection set up like the engine's.</summary>
    private static async Task<TimeSpan> SummarizeAsync(LatestRowsRequest request)
    {
        var source = request.Definitions.GetSource(request.View.Source);
        await using var connection = await DuckDbSession.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "SET preserve_insertion_order = false";
            await setup.ExecuteNonQueryAsync();
        }
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var describe = connection.CreateCommand())
        {
            describe.CommandText = "DESCRIBE SELECT * FROM read_parquet($path)";
            describe.Parameters.Add(new DuckDBParameter("path", source.ResolvePath(request.RepositoryRoot)));
            await using var reader = await describe.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns[reader.GetString(0)] = reader.GetString(1);
            }
        }
        var query = LatestRowsQuery.Create(request.Definitions, LatestRowLayout.For(request.Definitions, request.View), request.RepositoryRoot, hasStart: true, columns);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SUMMARIZE ({query.Sql})";
        command.Parameters.Add(new DuckDBParameter("path", query.Path));
        command.Parameters.Add(new DuckDBParameter("start", request.Start!.Value.UtcDateTime));
        command.Parameters.Add(new DuckDBParameter("end", request.End.UtcDateTime));
        var clock = Stopwatch.StartNew();
        await using var result = await command.ExecuteReaderAsync();
        while (await result.ReadAsync())
        {
        }
        return clock.Elapsed;
    }

    /// <summary>The engine with and without its quality gate, alternating, each run into an empty keyspace.</summary>
    private static async Task MeasureMaterializeAsync(
        BenchRedis benchRedis, RepositoryConfig config, FileRegistry registry, RegistryVersion version, string root,
        DateTimeOffset start, DateTimeOffset end, int entities, int rounds)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(benchRedis.ConnectionString + ",allowAdmin=true");
        await using var store = await RedisOnlineStore.ConnectAsync(benchRedis.ConnectionString);
        var profiles = new FileProfileStore(config.RegistryPath);
        var gate = new QualityGate(profiles, new ProfileResolver(new DuckDbFeatureProfiler(), profiles));
        var request = new MaterializationRequest
        {
            Definitions = version.Definitions, RegistryVersion = version.Number, RepositoryRoot = root, Start = start, End = end,
        };
        var results = new List<(TimeSpan Off, TimeSpan On, TimeSpan ProfileTime)>();
        for (var round = 1; round <= rounds; round++)
        {
            var off = await TimeRunAsync(redis, new MaterializationEngine(store, new DuckDbOfflineStore(), registry), request, entities);
            var on = await TimeRunAsync(redis, new MaterializationEngine(store, new DuckDbOfflineStore(), registry, quality: gate), request, entities);
            results.Add((off.Elapsed, on.Elapsed, on.Summary.ProfileTime));
            Console.WriteLine(Invariant(
                $"round {round}/{rounds}: materialize without checks {off.Elapsed.TotalSeconds:0.00} s, with checks and profile {on.Elapsed.TotalSeconds:0.00} s (profile passes {on.Summary.ProfileTime.TotalSeconds:0.00} s; {on.Summary.Checks.Count} checks); ratio {on.Elapsed / off.Elapsed:0.00}"));
        }
        var median = results.OrderBy(r => r.On / r.Off).ElementAt(results.Count / 2);
        var ratio = median.On / median.Off;
        Console.WriteLine(Invariant(
            $"materialize of {entities:N0} entities: {median.Off.TotalSeconds:0.00} s unchecked, {median.On.TotalSeconds:0.00} s checked and profiled; ratio {ratio:0.00} (median of {rounds}) [target <= 1.15: {(ratio <= 1.15 ? "met" : "missed")}]"));
        await MaterializeBenchmark.DeleteProjectAsync(redis, MaterializeBenchmark.Project);
    }

    private static async Task<(TimeSpan Elapsed, ViewMaterializationSummary Summary)> TimeRunAsync(
        ConnectionMultiplexer redis, MaterializationEngine engine, MaterializationRequest request, int entities)
    {
        await MaterializeBenchmark.DeleteProjectAsync(redis, MaterializeBenchmark.Project);
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var summary = (await engine.RunAsync(request)).Single();
        var elapsed = clock.Elapsed;
        if (summary.Blocked || summary.RowsWritten != entities)
        {
            throw new InvalidOperationException($"The run wrote {summary.RowsWritten:N0} of {entities:N0} rows (blocked: {summary.Blocked}).");
        }
        return (elapsed, summary);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
