using FeatureStore.DuckDb;
using System.Globalization;
using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Online;
using FeatureStore.Core.Quality;
using FeatureStore.Tests.Infrastructure;
using StackExchange.Redis;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Materialization;

/// <summary>One source row of a test view: key values in the view's entity order, version, feature values.</summary>
internal sealed record SourceRow(object[] Keys, DateTime Event, DateTime? Created, object?[] Values);

/// <summary>
/// A temporary feature repository (Parquet written through DuckDB), a unique project in an online store (a real
/// Redis, or any other <see cref="IOnlineStore"/>), and the engine wired to them, for materialization tests.
/// </summary>
internal sealed class MaterializationHarness : IAsyncDisposable
{
    private readonly Dictionary<string, (FeatureViewDefinition View, SourceDefinition Source, IReadOnlyList<SourceRow> Rows)> _views = new();

    public MaterializationHarness(IConnectionMultiplexer connection, string? project = null, RedisOnlineStoreOptions? storeOptions = null)
        : this(new RedisOnlineStore(connection, storeOptions), project)
    {
    }

    public MaterializationHarness(IOnlineStore online, string? project = null)
    {
        Project = project ?? RedisFixture.UniqueProject("m");
        Root = Directory.CreateTempSubdirectory("featurestore-mat-").FullName;
        Online = online;
    }

    public string Project { get; }

    public string Root { get; }

    /// <summary>The online store the engine writes to and reads come from.</summary>
    public IOnlineStore Online { get; }

    /// <summary>The online store when it is Redis (tests of Redis' own behaviour).</summary>
    public RedisOnlineStore Store => Online as RedisOnlineStore ?? throw new InvalidOperationException("This harness's online store is not Redis.");

    public InMemoryRegistry Registry { get; } = new();

    public MaterializationOptions Options { get; set; } = new();

    public List<EntityDefinition> Entities { get; } =
    [
        new() { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) },
        new() { Name = "customer", JoinKey = "customer_id", ValueType = new FeatureType(ScalarType.String) },
    ];

    public DefinitionSet Definitions => new()
    {
        Project = Project,
        Entities = Entities,
        Sources = _views.Values.Select(v => v.Source).ToArray(),
        FeatureViews = _views.Values.Select(v => v.View).ToArray(),
    };

    public IReadOnlyList<SourceRow> RowsOf(string view) => _views[view].Rows;

    public FeatureViewDefinition ViewOf(string view) => _views[view].View;

    /// <summary>Adds a view and writes its source file; <paramref name="sqlTypes"/> gives each feature's Parquet column type.</summary>
    /// <summary>With <paramref name="files"/> &gt; 1 the source is a folder of that many files (rows dealt round-robin).</summary>
    public async Task AddViewAsync(FeatureViewDefinition view, string[] sqlTypes, IReadOnlyList<SourceRow> rows, bool withCreated = true, int files = 1)
    {
        var entities = view.Entities.Select(n => Entities.Single(e => e.Name == n)).ToArray();
        var source = new SourceDefinition
        {
            Name = $"{view.Name}_source",
            Path = files > 1 ? $"data/{view.Name}" : $"data/{view.Name}.parquet",
            TimestampField = "event_timestamp",
            CreatedTimestampField = withCreated ? "created" : null,
        };
        for (var file = 0; file < files; file++)
        {
            var part = rows.Where((_, i) => i % files == file).ToArray();
            var path = files > 1 ? Path.Combine(Root, source.Path, $"part-{file}.parquet") : Path.Combine(Root, source.Path);
            await TestParquet.WriteAsync(path, Columns(view, entities, withCreated, sqlTypes, part));
        }
        _views[view.Name] = (view, source, rows);
    }

    private static TestColumn[] Columns(FeatureViewDefinition view, EntityDefinition[] entities, bool withCreated, string[] sqlTypes, IReadOnlyList<SourceRow> rows)
    {
        var columns = new List<TestColumn>();
        for (var k = 0; k < entities.Length; k++)
        {
            var k1 = k;
            columns.Add(new TestColumn(entities[k].JoinKey, entities[k].ValueType.Scalar == ScalarType.String ? "VARCHAR" : "BIGINT",
                rows.Select(r => r.Keys[k1]).ToArray()));
        }
        columns.Add(new TestColumn("event_timestamp", "TIMESTAMP", rows.Select(r => (object?)r.Event).ToArray()));
        if (withCreated)
        {
            columns.Add(new TestColumn("created", "TIMESTAMP", rows.Select(r => (object?)r.Created).ToArray()));
        }
        for (var f = 0; f < view.Features.Count; f++)
        {
            var f1 = f;
            columns.Add(new TestColumn(view.Features[f].Name, sqlTypes[f], rows.Select(r => r.Values[f1]).ToArray()));
        }
        return columns.ToArray();
    }

    /// <summary>Replaces a view definition (e.g. to remove it or change it) without touching its data file.</summary>
    public void RemoveView(string view) => _views.Remove(view);

    /// <summary>
    /// The engine's clock: a day after <see cref="ConsistencyScenario.T"/>, which lies hours ahead of the wall clock
    /// (keys expire by wall time), so windows ending at T are not in the engine's future.
    /// </summary>
    public TimeProvider Time { get; set; } = new FixedTimeProvider(new DateTimeOffset(ConsistencyScenario.T).AddDays(1));

    /// <summary>Profiles kept under the harness folder, as the CLI keeps them under the registry folder.</summary>
    public FileProfileStore Profiles => new(Path.Combine(Root, "registry"));

    /// <summary>The gate runs use; null (the default) writes unchecked, as before quality checks existed.</summary>
    public QualityGate? Quality { get; set; }

    /// <summary>Turns on profiling and checking of every run, recording into <see cref="Profiles"/>.</summary>
    public MaterializationHarness WithQuality()
    {
        Quality = new QualityGate(Profiles, new ProfileResolver(new DuckDbFeatureProfiler(), Profiles));
        return this;
    }

    public MaterializationEngine Engine(IOnlineStore? store = null) =>
        new(store ?? Online, new DuckDbOfflineStore(), Registry, options: Options, time: Time, quality: Quality);

    public Task<IReadOnlyList<ViewMaterializationSummary>> RunAsync(
        DateTimeOffset? start, DateTimeOffset end, string[]? views = null, IOnlineStore? store = null,
        IProgress<MaterializationProgress>? progress = null, bool wait = false, CancellationToken cancellationToken = default) =>
        Engine(store).RunAsync(new MaterializationRequest
        {
            Definitions = Definitions,
            RepositoryRoot = Root,
            Start = start,
            End = end,
            Views = views,
            WaitForLock = wait,
        }, progress, cancellationToken);

    /// <summary>
    /// Every key of the project with its fields (sorted) and expiry: a complete picture of the online state, the same
    /// text for the same state on a single Redis and on a cluster (whose every primary is scanned).
    /// </summary>
    public static async Task<string> SnapshotAsync(IConnectionMultiplexer connection, string project)
    {
        var database = connection.GetDatabase();
        var keys = new List<RedisKey>();
        foreach (var server in await new RedisOnlineStore(connection).PrimariesAsync(new OnlineKeyLayout(project)))
        {
            await foreach (var key in server.KeysAsync(pattern: new OnlineKeyLayout(project).EntityKeyPattern))
            {
                keys.Add(key);
            }
        }
        var ordered = keys.OrderBy(k => Convert.ToHexString((byte[])k!), StringComparer.Ordinal).ToArray();
        // Pipelined: every request first, then the answers.
        var expiries = ordered.Select(k => database.ExecuteAsync("PEXPIRETIME", k)).ToArray();
        var hashes = ordered.Select(k => database.HashGetAllAsync(k)).ToArray();
        await Task.WhenAll(expiries.Cast<Task>().Concat(hashes));
        var text = new StringBuilder();
        for (var i = 0; i < ordered.Length; i++)
        {
            text.Append(Convert.ToHexString((byte[])ordered[i]!)).Append(" exp=").Append((long)expiries[i].Result).Append('\n');
            foreach (var entry in hashes[i].Result.OrderBy(e => (string)e.Name!, StringComparer.Ordinal))
            {
                text.Append("  ").Append((string)entry.Name!).Append('=').Append(Convert.ToHexString((byte[])entry.Value!)).Append('\n');
            }
        }
        return text.ToString();
    }

    public Task<string> SnapshotAsync() => SnapshotAsync(Store.Connection, Project);

    public async Task<OnlineReadResult> ReadAsync(string[] features, DateTimeOffset readTime, params (string Key, object?[] Values)[] columns) =>
        await Online.ReadAsync(new OnlineReadRequest(Definitions, Definitions.ResolveReferences(features),
            columns.ToDictionary(c => c.Key, c => (IReadOnlyList<object?>)c.Values), readTime));

    /// <summary>A type-tagged, exact text of a value so expected (source) and actual (online) compare by meaning.</summary>
    public static string Normalize(object? value) => value switch
    {
        null => "null",
        string s => $"str:{s}",
        byte[] b => $"bytes:{Convert.ToHexString(b)}",
        Stream stream => $"bytes:{Convert.ToHexString(ReadAll(stream))}",
        bool b => $"bool:{b}",
        int i => $"i32:{i}",
        long l => $"i64:{l}",
        float f => $"f32:{f.ToString("R", CultureInfo.InvariantCulture)}",
        double d => $"f64:{d.ToString("R", CultureInfo.InvariantCulture)}",
        DateTime dt => $"ts:{new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)).UtcTicks}",
        DateTimeOffset dto => $"ts:{dto.UtcTicks}",
        System.Collections.IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(Normalize)) + "]",
        _ => $"{value.GetType().Name}:{value}",
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        await Task.CompletedTask;
    }
}
