using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Quality;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Quality;

/// <summary>
/// Profiles computed in DuckDB against a brute-force computation in C# over the same generated rows. Counts, nulls,
/// NaNs, min, max, mean and standard deviation agree to 1e-9 relative. Quantiles are exact in DuckDB
/// (<c>quantile_cont</c>, linear interpolation between order statistics, R type 7), so the bound stated here is the
/// same 1e-9 relative; histogram bins and top-value counts are exact integers.
/// </summary>
public sealed class ProfileFiguresTests : IDisposable
{
    private const int Rows = 20_000;
    private const double Relative = 1e-9;
    private static readonly DateTime T0 = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] Cities = Enumerable.Range(0, 15).Select(i => $"city{i:00}").ToArray();

    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-profile-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Generated(
        long[] Keys, DateTime[] Events, double?[] X, long?[] N, float?[] F, string?[] S, bool?[] B, DateTime?[] Ts, float?[]?[] L);

    private static Generated Generate(int seed)
    {
        var random = new Random(seed);
        double? Gaussian() => 50 + 12 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return new Generated(
            Enumerable.Range(0, Rows).Select(i => (long)i).ToArray(),
            Enumerable.Range(0, Rows).Select(i => T0.AddSeconds(i)).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(20) == 0 ? null : random.Next(500) == 0 ? double.NaN : Gaussian()).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(10) == 0 ? (long?)null : random.NextInt64(-1_000, 1_000_000)).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(7) == 0 ? (float?)null : (float)(random.NextDouble() * 3 - 1)).ToArray(),
            // Skewed so the top ten are unambiguous: city k is drawn with weight 2^(15-k).
            Enumerable.Range(0, Rows).Select(i => random.Next(30) == 0 ? null : Cities[Math.Min(14, (int)Math.Floor(-Math.Log2(1 - random.NextDouble())))]).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(9) == 0 ? (bool?)null : random.Next(10) < 3).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(11) == 0 ? (DateTime?)null : T0.AddMinutes(random.Next(-100_000, 100_000))).ToArray(),
            Enumerable.Range(0, Rows).Select(i => random.Next(13) == 0 ? null
                : Enumerable.Range(0, random.Next(0, 6)).Select(_ => random.Next(8) == 0 ? (float?)null : (float)random.NextDouble()).ToArray()).ToArray());
    }

    private async Task<(DefinitionSet Definitions, FeatureViewDefinition View)> WriteAsync(Generated data)
    {
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "stats.parquet"),
            new TestColumn("driver_id", "BIGINT", data.Keys.Cast<object?>().ToArray()),
            new TestColumn("event_timestamp", "TIMESTAMP", data.Events.Cast<object?>().ToArray()),
            new TestColumn("x", "DOUBLE", data.X.Cast<object?>().ToArray()),
            new TestColumn("n", "BIGINT", data.N.Cast<object?>().ToArray()),
            new TestColumn("f", "FLOAT", data.F.Cast<object?>().ToArray()),
            new TestColumn("s", "VARCHAR", data.S.Cast<object?>().ToArray()),
            new TestColumn("b", "BOOLEAN", data.B.Cast<object?>().ToArray()),
            new TestColumn("ts", "TIMESTAMP", data.Ts.Cast<object?>().ToArray()),
            new TestColumn("l", "FLOAT[]", data.L.Cast<object?>().ToArray()));
        var view = new FeatureViewDefinition
        {
            Name = "stats", Entities = ["driver"], Source = "stats_source",
            Features =
            [
                new() { Name = "x", Type = FeatureType.Parse("float64") },
                new() { Name = "n", Type = FeatureType.Parse("int64") },
                new() { Name = "f", Type = FeatureType.Parse("float32") },
                new() { Name = "s", Type = FeatureType.Parse("string") },
                new() { Name = "b", Type = FeatureType.Parse("bool") },
                new() { Name = "ts", Type = FeatureType.Parse("timestamp") },
                new() { Name = "l", Type = FeatureType.Parse("list<float32>") },
            ],
        };
        var definitions = new DefinitionSet
        {
            Project = "profile_test",
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") }],
            Sources = [new SourceDefinition { Name = "stats_source", Path = "data/stats.parquet", TimestampField = "event_timestamp" }],
            FeatureViews = [view],
        };
        return (definitions, view);
    }

    [Fact]
    public async Task A_window_profile_matches_a_brute_force_computation()
    {
        var data = Generate(seed: 7);
        var (definitions, view) = await WriteAsync(data);

        var selection = await new DuckDbFeatureProfiler().ProfileLatestRowsAsync(
            new LatestRowsRequest(definitions, view, _root, null, new DateTimeOffset(T0.AddDays(1))), []);
        var profile = selection.Profile;

        Assert.Equal(Rows, profile.RowCount);
        Assert.Equal("window:..2024-03-02T00:00:00Z", profile.Subject);
        AssertNumeric(profile.Find("x")!, data.X.Select(v => v).ToArray());
        AssertNumeric(profile.Find("n")!, data.N.Select(v => (double?)v).ToArray());
        AssertNumeric(profile.Find("f")!, data.F.Select(v => (double?)v).ToArray());

        var s = profile.Find("s")!;
        Assert.Equal(data.S.Count(v => v is null), s.Nulls);
        var cityCounts = data.S.OfType<string>().GroupBy(v => v).Select(g => new ValueCount(g.Key, g.LongCount()))
            .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(10).ToArray();
        Assert.Equal(cityCounts, s.Text!.TopValues);
        Assert.InRange(s.Text.ApproxDistinct, 14, 16);
        Assert.Equal(data.S.OfType<string>().Min(v => v.Length), s.Text.LengthMin);
        Assert.Equal(data.S.OfType<string>().Max(v => v.Length), s.Text.LengthMax);

        var b = profile.Find("b")!;
        Assert.Equal(data.B.Count(v => v is null), b.Nulls);
        Assert.Equal(data.B.Count(v => v == true), b.Bool!.TrueCount);
        Assert.Equal(data.B.Count(v => v == false), b.Bool.FalseCount);

        var ts = profile.Find("ts")!;
        Assert.Equal(data.Ts.Count(v => v is null), ts.Nulls);
        Assert.Equal(new DateTimeOffset(data.Ts.OfType<DateTime>().Min()), ts.Timestamp!.Min);
        Assert.Equal(new DateTimeOffset(data.Ts.OfType<DateTime>().Max()), ts.Timestamp.Max);

        var l = profile.Find("l")!;
        var lists = data.L.OfType<float?[]>().ToArray();
        Assert.Equal(data.L.Count(v => v is null), l.Nulls);
        Assert.Equal(lists.Min(v => v.Length), l.List!.LengthMin);
        Assert.Equal(lists.Max(v => v.Length), l.List.LengthMax);
        AssertRelative(lists.Average(v => v.Length), l.List.LengthMean!.Value);
        Assert.Equal(lists.Sum(v => v.Length), l.List.Elements);
        Assert.Equal(lists.Sum(v => v.Count(e => e is null)), l.List.ElementNulls);
    }

    [Fact]
    public async Task Row_checks_count_the_rows_they_reject_and_name_example_keys()
    {
        var data = Generate(seed: 11);
        var (definitions, view) = await WriteAsync(data);
        RowCheck[] checks =
        [
            new("x", RowCheckKind.Min, 40),
            new("x", RowCheckKind.Max, 70),
            new("n", RowCheckKind.NotNull),
            new("s", RowCheckKind.AllowedValues, Allowed: ["city00", "city01"]),
            new("f", RowCheckKind.Min, -5),
            new("n", RowCheckKind.AllowedValues, Allowed: ["-1000", "0", "7"]),
        ];

        var selection = await new DuckDbFeatureProfiler().ProfileLatestRowsAsync(
            new LatestRowsRequest(definitions, view, _root, null, new DateTimeOffset(T0.AddDays(1))), checks);

        var counts = selection.Checks.ToDictionary(c => (c.Check.Feature, c.Check.Kind));
        Assert.Equal(data.X.Count(v => v is { } x && (x < 40 || double.IsNaN(x))), counts[("x", RowCheckKind.Min)].Rows);
        Assert.Equal(data.X.Count(v => v is { } x && (x > 70 || double.IsNaN(x))), counts[("x", RowCheckKind.Max)].Rows);
        Assert.Equal(data.N.Count(v => v is null), counts[("n", RowCheckKind.NotNull)].Rows);
        Assert.Equal(data.S.Count(v => v is not null && v != "city00" && v != "city01"), counts[("s", RowCheckKind.AllowedValues)].Rows);
        Assert.Equal(data.N.Count(v => v is { } n && n is not (-1000 or 0 or 7)), counts[("n", RowCheckKind.AllowedValues)].Rows);
        Assert.Equal(0, counts[("f", RowCheckKind.Min)].Rows);
        Assert.Empty(counts[("f", RowCheckKind.Min)].ExampleKeys);

        var examples = counts[("n", RowCheckKind.NotNull)].ExampleKeys;
        Assert.Equal(RowCheckCount.MaxExamples, examples.Count);
        foreach (var example in examples)
        {
            Assert.StartsWith("driver_id=", example);
            Assert.Null(data.N[int.Parse(example["driver_id=".Length..])]);
        }
    }

    [Fact]
    public async Task A_window_profile_describes_the_latest_row_per_key()
    {
        await TestParquet.WriteAsync(Path.Combine(_root, "data", "stats.parquet"),
            new TestColumn("driver_id", "BIGINT", [1L, 1L, 2L, 2L, 3L]),
            new TestColumn("event_timestamp", "TIMESTAMP", [T0, T0.AddHours(2), T0.AddHours(1), T0.AddHours(5), T0]),
            new TestColumn("x", "DOUBLE", [100.0, 1.0, 2.0, 200.0, 3.0]));
        var view = new FeatureViewDefinition
        {
            Name = "stats", Entities = ["driver"], Source = "stats_source", Features = [new() { Name = "x", Type = FeatureType.Parse("float64") }],
        };
        var definitions = new DefinitionSet
        {
            Project = "profile_test",
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") }],
            Sources = [new SourceDefinition { Name = "stats_source", Path = "data/stats.parquet", TimestampField = "event_timestamp" }],
            FeatureViews = [view],
        };

        // At T0+3h the latest rows are 1.0 (driver 1), 2.0 (driver 2, its 200.0 comes later) and 3.0.
        var profile = (await new DuckDbFeatureProfiler().ProfileLatestRowsAsync(
            new LatestRowsRequest(definitions, view, _root, null, new DateTimeOffset(T0.AddHours(3))), [])).Profile;

        Assert.Equal(3, profile.RowCount);
        var x = profile.Find("x")!.Numeric!;
        Assert.Equal((1.0, 3.0, 2.0), (x.Min, x.Max, x.Mean));
    }

    [Fact]
    public async Task Past_the_exact_limit_percentiles_are_t_digest_estimates_within_one_percentile_of_rank()
    {
        var data = Generate(seed: 13);
        await using var connection = await DuckDbSession.OpenAsync();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (x DOUBLE)";
            await create.ExecuteNonQueryAsync();
        }
        using (var appender = connection.CreateAppender("t"))
        {
            foreach (var x in data.X)
            {
                appender.CreateRow().AppendValue(x).EndRow();
            }
        }
        var column = new ProfileColumn("v", new FeatureDefinition { Name = "x", Type = FeatureType.Parse("float64") }, "x", TimestampsAsMicros: false);

        var exact = (await ProfileQuery.RunAsync(connection, "t", [column], [], [], CancellationToken.None)).Features[0].Numeric!;
        var estimated = (await ProfileQuery.RunAsync(connection, "t", [column], [], [], CancellationToken.None, exactPercentileLimit: 0)).Features[0].Numeric!;

        Assert.False(exact.PercentilesApproximate);
        Assert.True(estimated.PercentilesApproximate);
        // The bound stated for DuckDB's t-digest here: percentile p lies between the exact percentiles p - 1 and p + 1.
        for (var p = 1; p < 100; p++)
        {
            Assert.InRange(estimated.Percentiles[p], exact.Percentiles[p - 1], exact.Percentiles[p + 1]);
        }
        Assert.Equal(exact.Min, estimated.Min);
        Assert.Equal(exact.Histogram!.Counts, estimated.Histogram!.Counts);
    }

    private static void AssertNumeric(FeatureProfile profile, double?[] column)
    {
        var values = column.Where(v => v is { } x && !double.IsNaN(x)).Select(v => v!.Value).Order().ToArray();
        var mean = values.Sum() / values.Length;
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        var numeric = profile.Numeric!;

        Assert.Equal(Rows, profile.Count);
        Assert.Equal(column.Count(v => v is null), profile.Nulls);
        Assert.Equal(column.Count(v => v is { } x && double.IsNaN(x)), numeric.Nans);
        Assert.Equal(values[0], numeric.Min);
        Assert.Equal(values[^1], numeric.Max);
        AssertRelative(mean, numeric.Mean!.Value);
        AssertRelative(std, numeric.StdDev!.Value);
        Assert.Equal(101, numeric.Percentiles.Count);
        for (var p = 0; p <= 100; p++)
        {
            var h = (values.Length - 1) * (p / 100.0);
            var low = (int)Math.Floor(h);
            var expected = low + 1 < values.Length ? values[low] + (h - low) * (values[low + 1] - values[low]) : values[low];
            AssertRelative(expected, numeric.Percentiles[p], scale: values[^1] - values[0]);
        }

        var histogram = numeric.Histogram!;
        var width = (values[^1] - values[0]) / Histogram.DefaultBins;
        var bins = new long[Histogram.DefaultBins];
        foreach (var v in values)
        {
            bins[Math.Min(Histogram.DefaultBins - 1, (int)Math.Floor((v - values[0]) / width))]++;
        }
        Assert.Equal(bins, histogram.Counts);
        Assert.Equal(values[0], histogram.Edges[0]);
        Assert.Equal(values[^1], histogram.Edges[^1]);
    }

    private static void AssertRelative(double expected, double actual, double scale = 0)
    {
        var tolerance = Relative * Math.Max(Math.Abs(expected), Math.Max(scale, 1e-300));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R} (tolerance {tolerance:R})");
    }
}
