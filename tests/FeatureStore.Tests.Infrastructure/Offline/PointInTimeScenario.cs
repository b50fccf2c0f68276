using FeatureStore.Core.Definitions;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Offline;

/// <summary>
/// Seeded random feature data for training-set tests, kept both as Parquet files (for the store) and as plain C#
/// rows (for <see cref="ReferenceJoin"/>). Times sit on a 5-minute grid so ties on event timestamps, rows exactly at
/// T and exactly at T - TTL occur often. Three views:
/// <list type="bullet">
/// <item><c>driver_stats</c>: key driver_id (int64), naive TIMESTAMP event and created columns, TTL 30 min, null values;</item>
/// <item><c>customer_profile</c>: key customer_id (string), a folder of two files, TIMESTAMPTZ written with +02:00 and
/// -05:00 offsets, no created column, TTL 0 (never expires), field mapping for the key and a feature;</item>
/// <item><c>pair_stats</c>: composite key (driver_id, customer_id), naive event + zoned created, TTL 60 min.</item>
/// </list>
/// </summary>
public sealed class PointInTimeScenario : IDisposable
{
    public static readonly DateTimeOffset Start = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public required string Root { get; init; }
    public required DefinitionSet Definitions { get; init; }
    public required IReadOnlyDictionary<string, ReferenceView> Views { get; init; }
    public required IReadOnlyList<EntityRow> EntityRows { get; init; }

    public string EntityParquet => Path.Combine(Root, "entities.parquet");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    public static async Task<PointInTimeScenario> CreateAsync(int seed, int entityRows = 600, int sourceRows = 1500)
    {
        var random = new Random(seed);
        var root = Directory.CreateTempSubdirectory("fs-offline-").FullName;
        var drivers = Enumerable.Range(0, 40).Select(i => 1000L + i).ToArray();
        var customers = Enumerable.Range(0, 25).Select(i => $"c{i:D2}").ToArray();
        DateTimeOffset GridTime() => Start.AddMinutes(5 * random.Next(0, 96));

        // driver_stats
        var driverRows = new List<SourceRow>();
        var seen = new HashSet<(string, DateTimeOffset, DateTimeOffset?)>();
        while (driverRows.Count < sourceRows)
        {
            var driver = drivers[random.Next(drivers.Length - 5)]; // the last five drivers never appear in the source
            var ev = GridTime();
            DateTimeOffset? created = random.Next(10) == 0 ? null : ev.AddMinutes(random.Next(0, 4) * 20);
            if (!seen.Add(($"{driver}", ev, created)))
            {
                continue;
            }
            driverRows.Add(new SourceRow([driver], ev, created,
                [random.Next(8) == 0 ? null : (float)Math.Round(random.NextDouble(), 3), (long)random.Next(0, 500)]));
        }
        await TestParquet.WriteAsync(Path.Combine(root, "driver_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", driverRows.Select(r => r.Keys[0]).ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", driverRows.Select(r => (object?)r.Event.UtcDateTime).ToArray()),
            new TestColumn("created", "TIMESTAMP", driverRows.Select(r => (object?)r.Created?.UtcDateTime).ToArray()),
            new TestColumn("conv_rate", "FLOAT", driverRows.Select(r => r.Values[0]).ToArray()),
            new TestColumn("trips", "BIGINT", driverRows.Select(r => r.Values[1]).ToArray()));

        // customer_profile: no created column; ties on the event time are avoided (they would be arbitrary).
        var customerRows = new List<SourceRow>();
        var seenCustomer = new HashSet<(string, DateTimeOffset)>();
        while (customerRows.Count < sourceRows / 2)
        {
            var customer = customers[random.Next(customers.Length - 3)];
            var ev = GridTime();
            if (!seenCustomer.Add((customer, ev)))
            {
                continue;
            }
            customerRows.Add(new SourceRow([customer], ev, null,
                [random.Next(6) == 0 ? null : Math.Round(random.NextDouble() * 1000, 2), $"tier{random.Next(3)}"]));
        }
        var half = customerRows.Count / 2;
        Directory.CreateDirectory(Path.Combine(root, "customer_profile"));
        for (var part = 0; part < 2; part++)
        {
            var rows = part == 0 ? customerRows.Take(half).ToArray() : customerRows.Skip(half).ToArray();
            var offset = part == 0 ? TimeSpan.FromHours(2) : TimeSpan.FromHours(-5);
            await TestParquet.WriteAsync(Path.Combine(root, "customer_profile", $"part-{part}.parquet"),
                new TestColumn("cust", "VARCHAR", rows.Select(r => r.Keys[0]).ToArray()),
                new TestColumn("ts", "TIMESTAMPTZ", rows.Select(r => (object?)r.Event.ToOffset(offset)).ToArray()),
                new TestColumn("bal", "DOUBLE", rows.Select(r => r.Values[0]).ToArray()),
                new TestColumn("tier", "VARCHAR", rows.Select(r => r.Values[1]).ToArray()));
        }

        // pair_stats: composite key.
        var pairRows = new List<SourceRow>();
        var seenPair = new HashSet<(string, DateTimeOffset, DateTimeOffset?)>();
        while (pairRows.Count < sourceRows)
        {
            var driver = drivers[random.Next(10)];
            var customer = customers[random.Next(8)];
            var ev = GridTime();
            DateTimeOffset? created = ev.AddMinutes(random.Next(0, 3) * 15);
            if (!seenPair.Add(($"{driver}|{customer}", ev, created)))
            {
                continue;
            }
            pairRows.Add(new SourceRow([driver, customer], ev, created, [(float)Math.Round(random.NextDouble() * 10, 2)]));
        }
        await TestParquet.WriteAsync(Path.Combine(root, "pair_stats.parquet"),
            new TestColumn("driver_id", "BIGINT", pairRows.Select(r => r.Keys[0]).ToArray()),
            new TestColumn("customer_id", "VARCHAR", pairRows.Select(r => r.Keys[1]).ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", pairRows.Select(r => (object?)r.Event.UtcDateTime).ToArray()),
            new TestColumn("created", "TIMESTAMPTZ", pairRows.Select(r => (object?)r.Created!.Value.ToOffset(TimeSpan.FromHours(9))).ToArray()),
            new TestColumn("score", "FLOAT", pairRows.Select(r => r.Values[0]).ToArray()));

        // Entity rows: mostly known keys, some unknown; times on the grid (exactly at source times and at T - TTL),
        // some duplicated rows.
        var entities = new List<EntityRow>();
        while (entities.Count < entityRows)
        {
            if (entities.Count > 0 && random.Next(15) == 0)
            {
                entities.Add(entities[random.Next(entities.Count)]); // an exact duplicate row
                continue;
            }
            var driver = random.Next(20) == 0 ? 999_999L : drivers[random.Next(drivers.Length)];
            var customer = random.Next(20) == 0 ? "nobody" : customers[random.Next(10)];
            entities.Add(new EntityRow(driver, customer, Start.AddMinutes(5 * random.Next(0, 110)), entities.Count));
        }
        await WriteEntitiesAsync(Path.Combine(root, "entities.parquet"), entities, zoned: false);

        var definitions = new DefinitionSet
        {
            Project = "pit_test",
            Entities =
            [
                new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = new FeatureType(ScalarType.Int64) },
                new EntityDefinition { Name = "customer", JoinKey = "customer_id", ValueType = new FeatureType(ScalarType.String) },
            ],
            Sources =
            [
                new SourceDefinition { Name = "driver_source", Path = "driver_stats.parquet", TimestampField = "event_timestamp", CreatedTimestampField = "created" },
                new SourceDefinition
                {
                    Name = "customer_source", Path = "customer_profile", TimestampField = "ts",
                    FieldMapping = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["cust"] = "customer_id", ["bal"] = "balance" },
                },
                new SourceDefinition { Name = "pair_source", Path = Path.Combine(root, "pair_stats.parquet"), TimestampField = "event_timestamp", CreatedTimestampField = "created" },
            ],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "driver_stats", Entities = ["driver"], Source = "driver_source", Ttl = TimeSpan.FromMinutes(30),
                    Features = [Feature("conv_rate", ScalarType.Float32), Feature("trips", ScalarType.Int64)],
                },
                new FeatureViewDefinition
                {
                    Name = "customer_profile", Entities = ["customer"], Source = "customer_source", Ttl = TimeSpan.Zero,
                    Features = [Feature("balance", ScalarType.Float64), Feature("tier", ScalarType.String)],
                },
                new FeatureViewDefinition
                {
                    Name = "pair_stats", Entities = ["driver", "customer"], Source = "pair_source", Ttl = TimeSpan.FromMinutes(60),
                    Features = [Feature("score", ScalarType.Float32)],
                },
            ],
            FeatureServices =
            [
                new FeatureServiceDefinition { Name = "everything", Features = ["driver_stats", "customer_profile:balance", "pair_stats"] },
            ],
        };

        return new PointInTimeScenario
        {
            Root = root,
            Definitions = definitions,
            EntityRows = entities,
            Views = new Dictionary<string, ReferenceView>
            {
                ["driver_stats"] = new(["driver_id"], ["conv_rate", "trips"], TimeSpan.FromMinutes(30), driverRows),
                ["customer_profile"] = new(["customer_id"], ["balance", "tier"], TimeSpan.Zero, customerRows),
                ["pair_stats"] = new(["driver_id", "customer_id"], ["score"], TimeSpan.FromMinutes(60), pairRows),
            },
        };
    }

    public static FeatureDefinition Feature(string name, ScalarType type) => new() { Name = name, Type = new FeatureType(type) };

    /// <summary>Writes entity rows as Parquet; <paramref name="zoned"/> stores the time as TIMESTAMPTZ written with a +05:30 offset.</summary>
    public static Task WriteEntitiesAsync(string path, IReadOnlyList<EntityRow> rows, bool zoned) =>
        TestParquet.WriteAsync(path,
            new TestColumn("driver_id", "BIGINT", rows.Select(r => (object?)r.DriverId).ToArray()),
            new TestColumn("customer_id", "VARCHAR", rows.Select(r => (object?)r.CustomerId).ToArray()),
            new TestColumn("event_timestamp", zoned ? "TIMESTAMPTZ" : "TIMESTAMP",
                rows.Select(r => zoned ? (object?)r.Time.ToOffset(new TimeSpan(5, 30, 0)) : r.Time.UtcDateTime).ToArray()),
            new TestColumn("label", "BIGINT", rows.Select(r => (object?)(long)r.Label).ToArray()));

    /// <summary>Writes entity rows as CSV, times with explicit offsets (+02:00) to check they are honoured.</summary>
    public static Task WriteEntitiesCsvAsync(string path, IReadOnlyList<EntityRow> rows)
    {
        var lines = new List<string> { "driver_id,customer_id,event_timestamp,label" };
        lines.AddRange(rows.Select(r =>
            $"{r.DriverId},{r.CustomerId},{r.Time.ToOffset(TimeSpan.FromHours(2)):yyyy-MM-ddTHH:mm:sszzz},{r.Label}"));
        return File.WriteAllLinesAsync(path, lines);
    }
}

/// <summary>One source row as the reference join sees it: key values, timestamps (UTC instants) and feature values.</summary>
public sealed record SourceRow(object?[] Keys, DateTimeOffset Event, DateTimeOffset? Created, object?[] Values);

/// <summary>One feature view's data for the reference join.</summary>
public sealed record ReferenceView(IReadOnlyList<string> JoinKeys, IReadOnlyList<string> Features, TimeSpan Ttl, IReadOnlyList<SourceRow> Rows);

/// <summary>One row of the entity file.</summary>
public sealed record EntityRow(long DriverId, string CustomerId, DateTimeOffset Time, int Label);
