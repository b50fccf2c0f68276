using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Tests.Infrastructure;
using Xunit.Abstractions;
using FeatureStore.DuckDb;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// The data of the online consistency tests, shared with the other engine tests: views of three key shapes, seeded
/// sources with ties and late rows, the point-in-time reference computed in .NET, and the training-set join.
/// </summary>
internal static class ConsistencyScenario
{
    /// <summary>Hours ahead of the clock: keys expire at event + TTL by wall time, and must still live when read.</summary>
    internal static readonly DateTime T = StartOfHour(DateTime.UtcNow).AddHours(3);

    internal static DateTime StartOfHour(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);

    internal static FeatureDefinition F(string name, string type) => new() { Name = name, Type = FeatureType.Parse(type) };

    internal static FeatureViewDefinition DriverStats => new()
    {
        Name = "driver_stats", Entities = ["driver"], Source = "driver_stats_source", Ttl = TimeSpan.FromHours(6),
        Features = [F("conv_rate", "float32"), F("trips", "int64"), F("label", "string")],
    };

    internal static FeatureViewDefinition CustomerProfile => new()
    {
        Name = "customer_profile", Entities = ["customer"], Source = "customer_profile_source", Ttl = TimeSpan.Zero,
        Features =
        [
            F("balance", "float64"), F("tags", "list<string>"), F("emb", "list<float32>"), F("since", "timestamp"),
            F("vip", "bool"), F("raw", "bytes"), F("level", "int32"),
        ],
    };

    internal static FeatureViewDefinition PairStats => new()
    {
        Name = "pair_stats", Entities = ["driver", "customer"], Source = "pair_stats_source", Ttl = TimeSpan.FromDays(1),
        Features = [F("rides", "int32"), F("last_seen", "timestamp")],
    };

    /// <summary>Builds the three views with seeded data; returns the entity keys to check (including absent ones).</summary>
    internal static async Task<(long[] Drivers, string[] Customers, (long, string)[] Pairs)> SeedAsync(MaterializationHarness harness, int seed)
    {
        var random = new Random(seed);
        var drivers = Enumerable.Range(1, 25).Select(i => (long)i).ToArray();
        var customers = Enumerable.Range(1, 20).Select(i => $"c{i:00}").ToArray();

        DateTime RandomEvent() => T.AddMinutes(-10 * random.Next(0, 6 * 72)).AddMinutes(random.Next(0, 10) == 0 ? 10 * random.Next(1, 12) : 0);
        DateTime? RandomCreated(DateTime e) => random.Next(0, 10) < 3 ? null : e.AddMinutes(random.Next(0, 60));
        T? Maybe<T>(T value) => random.Next(0, 100) < 15 ? default : value;

        // driver_stats: created timestamps, ties on event time broken by created (missing created loses).
        var driverRows = new List<SourceRow>();
        var seen = new HashSet<string>();
        void AddDriver(long driver, DateTime e, DateTime? c)
        {
            if (seen.Add($"{driver}|{e.Ticks}|{c?.Ticks}"))
            {
                driverRows.Add(new SourceRow([driver], e, c,
                    [Maybe<object>(random.NextSingle()), Maybe<object>((long)random.Next(0, 1000)), Maybe<object>($"L{random.Next(0, 5)}")]));
            }
        }
        for (var i = 0; i < 400; i++)
        {
            var e = RandomEvent();
            var driver = drivers[random.Next(drivers.Length)];
            AddDriver(driver, e, RandomCreated(e));
            if (random.Next(0, 8) == 0)
            {
                AddDriver(driver, e, RandomCreated(e)); // a tie on event time
            }
        }
        // TTL edges (6 h): exactly at T - ttl (inside), 1 µs before (outside), exactly at T, 1 µs after T (excluded).
        AddDriver(101, T.AddHours(-6), null);
        AddDriver(102, T.AddHours(-6).AddTicks(-10), null);
        AddDriver(103, T, T);
        AddDriver(104, T.AddTicks(10), null);
        AddDriver(103, T.AddTicks(10), null);
        await harness.AddViewAsync(DriverStats, ["FLOAT", "BIGINT", "VARCHAR"], driverRows);

        // customer_profile: no created column, no TTL, every other type; (key, event) unique.
        var customerRows = new List<SourceRow>();
        var seenCustomer = new HashSet<string>();
        for (var i = 0; i < 250; i++)
        {
            var e = RandomEvent().AddDays(-random.Next(0, 30));
            var customer = customers[random.Next(customers.Length)];
            if (!seenCustomer.Add($"{customer}|{e.Ticks}"))
            {
                continue;
            }
            customerRows.Add(new SourceRow([customer], e, null,
            [
                Maybe<object>(random.NextDouble() * 1000),
                Maybe<object>(Enumerable.Range(0, random.Next(0, 4)).Select(j => $"t{random.Next(0, 9)}").ToArray()),
                // Some lists hold a null element: it must survive materialization, the online read and the training set.
                Maybe<object>(Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(0, 5) == 0 ? (float?)null : random.NextSingle()).ToArray()),
                Maybe<object>(T.AddDays(-random.Next(0, 900)).AddTicks(random.Next(0, 1000) * 10)),
                Maybe<object>(random.Next(0, 2) == 1),
                Maybe<object>(Enumerable.Range(0, random.Next(0, 6)).Select(_ => (byte)random.Next(0, 256)).ToArray()),
                Maybe<object>(random.Next(int.MinValue, int.MaxValue)),
            ]));
        }
        await harness.AddViewAsync(CustomerProfile, ["DOUBLE", "VARCHAR[]", "FLOAT[]", "TIMESTAMP", "BOOLEAN", "BLOB", "INTEGER"], customerRows, withCreated: false);

        // pair_stats: composite key (driver, customer), TTL 1 day, created timestamps.
        var pairRows = new List<SourceRow>();
        var seenPair = new HashSet<string>();
        var pairs = Enumerable.Range(0, 40).Select(_ => (drivers[random.Next(drivers.Length)], customers[random.Next(customers.Length)])).Distinct().ToArray();
        for (var i = 0; i < 300; i++)
        {
            var (driver, customer) = pairs[random.Next(pairs.Length)];
            var e = RandomEvent();
            var c = RandomCreated(e);
            if (seenPair.Add($"{driver}|{customer}|{e.Ticks}|{c?.Ticks}"))
            {
                pairRows.Add(new SourceRow([driver, customer], e, c, [Maybe<object>(random.Next(0, 50)), Maybe<object>(e.AddMinutes(-random.Next(0, 500)))]));
            }
        }
        pairRows.Add(new SourceRow([7L, "edge"], T.AddDays(-1), null, [1, T]));
        pairRows.Add(new SourceRow([8L, "edge"], T.AddDays(-1).AddTicks(-10), null, [2, T]));
        await harness.AddViewAsync(PairStats, ["INTEGER", "TIMESTAMP"], pairRows);

        return (drivers.Concat([101L, 102L, 103L, 104L, 999L]).ToArray(),
            customers.Concat(["nobody"]).ToArray(),
            pairs.Concat([(7L, "edge"), (8L, "edge"), (1L, "nobody")]).ToArray());
    }

    /// <summary>
    /// The reference: the row with this key and the greatest (event, created) among rows with event &lt;= T and,
    /// with a TTL, event &gt;= T - TTL; a missing created timestamp loses to a present one. Deliberately a plain loop.
    /// </summary>
    internal static SourceRow? Reference(IEnumerable<SourceRow> rows, object[] key, DateTime asOf, TimeSpan ttl)
    {
        SourceRow? best = null;
        foreach (var row in rows)
        {
            if (!row.Keys.SequenceEqual(key) || row.Event > asOf || (ttl > TimeSpan.Zero && row.Event < asOf - ttl))
            {
                continue;
            }
            if (best is null || row.Event > best.Event ||
                (row.Event == best.Event && row.Created is not null && (best.Created is null || row.Created > best.Created)))
            {
                best = row;
            }
        }
        return best;
    }

    /// <summary>The offline store's answer for (entity, T): a training set whose every entity row is at T.</summary>
    /// <summary>DuckDB.NET reads a list of floats holding a null only as a list of nullable floats.</summary>
    internal static object ReadValue(System.Data.Common.DbDataReader reader, int ordinal)
    {
        try
        {
            return reader.GetValue(ordinal);
        }
        catch (InvalidCastException)
        {
            return reader.GetFieldValue<List<float?>>(ordinal);
        }
    }

    internal static async Task<List<object?[]>> TrainingSetAsync(MaterializationHarness harness, string[] features, (string Key, object?[] Values)[] keyColumns)
    {
        var entityFile = Path.Combine(harness.Root, "entities", $"{Guid.NewGuid():N}.parquet");
        var rows = keyColumns[0].Values.Length;
        var columns = keyColumns
            .Select(c => new TestColumn(c.Key, c.Values[0] is string ? "VARCHAR" : "BIGINT", c.Values))
            .Append(new TestColumn("event_timestamp", "TIMESTAMP", Enumerable.Repeat<object?>(T, rows).ToArray()))
            .ToArray();
        await TestParquet.WriteAsync(entityFile, columns);
        var output = Path.Combine(harness.Root, "out", $"{Guid.NewGuid():N}.parquet");
        var references = harness.Definitions.ResolveReferences(features);
        await new DuckDbOfflineStore().WriteTrainingSetAsync(new TrainingSetRequest
        {
            Definitions = harness.Definitions,
            RepositoryRoot = harness.Root,
            Features = references,
            EntityFile = entityFile,
            OutputPath = output,
            FullFeatureNames = true,
        });

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", references.Select(r => $"\"{r.ColumnName(true)}\""))} FROM read_parquet($path)";
        command.Parameters.Add(new DuckDBParameter("path", output));
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[references.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : ReadValue(reader, i);
                if (values[i] is Stream blob)
                {
                    // A BLOB stream points into the current chunk: copy it before moving on.
                    using var copy = new MemoryStream();
                    blob.CopyTo(copy);
                    values[i] = copy.ToArray();
                }
            }
            result.Add(values);
        }
        Assert.Equal(rows, result.Count);
        return result;
    }
}
