using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// One table of edge cases of <see cref="LatestValueRule"/> (ties on event time with and without created timestamps,
/// a created timestamp missing on one side, rows exactly at T, 1 µs after T, exactly at T - ttl and 1 µs before it,
/// ttl 0, created timestamps without ties (which the training set orders by event time alone), no created column) fed
/// through every path that picks "the latest row as of T": (a) the offline training-set join at T, (b) the
/// materializer's latest-row selection for the window ending at T, (c) an online read at T after the engine
/// materialized that window into Redis, and (d) an online read at T after the engine loaded the rows in increasing and
/// then decreasing version order, which only the write script's compare-and-set can keep right. Each
/// must pick the row the case names, so a path that changes its tie-break or its TTL bound fails here.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class LatestRowCrossPathTests(RedisFixture redis, ITestOutputHelper output)
{
    private static readonly DateTime T = ConsistencyScenario.T;
    private static readonly DateTimeOffset AsOf = new(T);
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private static readonly TimeSpan Micro = TimeSpan.FromTicks(10);

    private static FeatureViewDefinition View(string name, TimeSpan ttl) => new()
    {
        Name = name, Entities = ["driver"], Source = $"{name}_source", Ttl = ttl,
        Features = [new FeatureDefinition { Name = "value", Type = new FeatureType(ScalarType.Int64) }],
    };

    private static readonly FeatureViewDefinition CreatedTtl = View("created_ttl", Ttl);
    private static readonly FeatureViewDefinition CreatedNoTtl = View("created_no_ttl", TimeSpan.Zero);

    /// <summary>Created timestamps but no two rows of a key at one event time: the training set orders by event time alone.</summary>
    private static readonly FeatureViewDefinition CreatedNoTies = View("created_no_ties", Ttl);
    private static readonly FeatureViewDefinition PlainTtl = View("plain_ttl", Ttl);

    /// <summary>A source row: a value that names it, and its event and created time as offsets from T.</summary>
    private sealed record Row(long Value, TimeSpan Event, TimeSpan? Created = null);

    /// <summary>One entity key of one view with its rows, and the value of the row the rule picks at T (null: none).</summary>
    private sealed record Case(string Name, FeatureViewDefinition View, long Key, long? Expected, params Row[] Rows);

    private static readonly TimeSpan M = TimeSpan.FromMinutes(1);

    /// <summary>A created time before 1970 (negative µs): a missing-created sentinel of 0 would sort above it.</summary>
    private static readonly TimeSpan Before1970 = new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc) - T;

    private static readonly Case[] Cases =
    [
        new("tie on event: a created timestamp beats a missing one", CreatedTtl, 1, 101,
            new Row(101, -10 * M, -5 * M), new Row(102, -10 * M)),
        new("tie on event: the missing created timestamp first in the file still loses", CreatedTtl, 2, 104,
            new Row(103, -10 * M), new Row(104, -10 * M, -9 * M)),
        new("tie on event: the later created timestamp wins", CreatedTtl, 3, 105,
            new Row(105, -10 * M, -7 * M), new Row(106, -10 * M, -8 * M)),
        new("tie on event: created timestamps 1 µs apart", CreatedTtl, 4, 108,
            new Row(107, -10 * M, -Ttl), new Row(108, -10 * M, -Ttl + Micro)),
        new("a later event without created beats an earlier one with created", CreatedTtl, 5, 110,
            new Row(109, -20 * M, TimeSpan.Zero), new Row(110, -10 * M)),
        new("a later event with created beats an earlier one without", CreatedTtl, 6, 112,
            new Row(111, -20 * M), new Row(112, -10 * M, -10 * M)),
        new("events 1 µs apart: the later wins whatever the created timestamps", CreatedTtl, 7, 114,
            new Row(113, -10 * M, TimeSpan.Zero), new Row(114, -10 * M + Micro)),
        new("a row exactly at T is the value as of T", CreatedTtl, 8, 115,
            new Row(115, TimeSpan.Zero, TimeSpan.Zero), new Row(116, -30 * M, -30 * M)),
        new("tie exactly at T: created after T still counts by event time", CreatedTtl, 9, 118,
            new Row(117, TimeSpan.Zero), new Row(118, TimeSpan.Zero, 60 * M)),
        new("a row 1 µs after T is not yet the value", CreatedTtl, 10, 120,
            new Row(119, Micro, Micro), new Row(120, -30 * M)),
        new("only a row after T: nothing", CreatedTtl, 11, null,
            new Row(121, Micro)),
        new("a row exactly at T - ttl is still within the TTL", CreatedTtl, 12, 122,
            new Row(122, -Ttl)),
        new("a row 1 µs before T - ttl is expired", CreatedTtl, 13, null,
            new Row(123, -Ttl - Micro, TimeSpan.Zero)),
        new("tie exactly at T - ttl: a created timestamp beats a missing one", CreatedTtl, 14, 124,
            new Row(124, -Ttl, -Ttl), new Row(125, -Ttl)),
        new("a row at T - ttl beats an expired one with a later created timestamp", CreatedTtl, 15, 127,
            new Row(126, -Ttl - Micro, TimeSpan.Zero), new Row(127, -Ttl)),
        new("tie on event: a created timestamp before 1970 still beats a missing one", CreatedTtl, 16, 128,
            new Row(128, -10 * M, Before1970), new Row(129, -10 * M)),
        new("ttl 0: a year-old row never expires", CreatedNoTtl, 21, 201,
            new Row(201, TimeSpan.FromDays(-365))),
        new("ttl 0: tie on an old event, a created timestamp beats a missing one", CreatedNoTtl, 22, 203,
            new Row(202, TimeSpan.FromDays(-30)), new Row(203, TimeSpan.FromDays(-30), TimeSpan.FromDays(-30))),
        new("ttl 0: a row exactly at T beats an older one", CreatedNoTtl, 23, 204,
            new Row(204, TimeSpan.Zero), new Row(205, TimeSpan.FromDays(-1), TimeSpan.Zero)),
        new("ttl 0: a row 1 µs after T is not yet the value", CreatedNoTtl, 24, 207,
            new Row(206, Micro, TimeSpan.Zero), new Row(207, TimeSpan.FromDays(-1))),
        new("ttl 0: only a row after T: nothing", CreatedNoTtl, 25, null,
            new Row(208, Micro)),
        new("no ties: a later event wins over an earlier one created later", CreatedNoTies, 41, 402,
            new Row(401, -20 * M, TimeSpan.Zero), new Row(402, -10 * M, -30 * M)),
        new("no ties: a row at T created after T is the value as of T", CreatedNoTies, 42, 403,
            new Row(403, TimeSpan.Zero, 60 * M), new Row(404, -10 * M, -10 * M)),
        new("no ties: a row 1 µs after T is not yet the value", CreatedNoTies, 43, 406,
            new Row(405, Micro, Micro), new Row(406, -30 * M)),
        new("no ties: a row 1 µs before T - ttl is expired", CreatedNoTies, 44, null,
            new Row(407, -Ttl - Micro, TimeSpan.Zero)),
        new("no ties: a row exactly at T - ttl is within the TTL", CreatedNoTies, 45, 408,
            new Row(408, -Ttl, -Ttl)),
        new("no created column: a row exactly at T wins", PlainTtl, 31, 301,
            new Row(301, TimeSpan.Zero), new Row(302, -10 * M)),
        new("no created column: a row exactly at T - ttl is within the TTL", PlainTtl, 32, 303,
            new Row(303, -Ttl)),
        new("no created column: a row 1 µs before T - ttl is expired", PlainTtl, 33, null,
            new Row(304, -Ttl - Micro)),
        new("no created column: a row 1 µs after T is not yet the value", PlainTtl, 34, 306,
            new Row(305, Micro), new Row(306, -10 * M)),
    ];

    private static readonly FeatureViewDefinition[] Views = [CreatedTtl, CreatedNoTtl, CreatedNoTies, PlainTtl];

    /// <summary>Keys read for a view: its cases' keys plus one that has no rows at all.</summary>
    private static long[] KeysOf(FeatureViewDefinition view) => Cases.Where(c => c.View == view).Select(c => c.Key).Append(999).ToArray();

    private static long? ExpectedOf(FeatureViewDefinition view, long key) => Cases.SingleOrDefault(c => c.View == view && c.Key == key)?.Expected;

    /// <summary>A picked row as the paths report it: value and event time (µs), or "none".</summary>
    private static string Pick(long? value, long? eventMicros) => value is null ? "none" : $"{value} @ {eventMicros}";

    private static string ExpectedPick(FeatureViewDefinition view, long key)
    {
        if (ExpectedOf(view, key) is not { } value)
        {
            return "none";
        }
        var row = Cases.Single(c => c.View == view && c.Key == key).Rows.Single(r => r.Value == value);
        return Pick(value, TimestampMicros.FromDateTimeOffset(AsOf + row.Event));
    }

    private static SourceRow Source(Case c, Row row) =>
        new([c.Key], T + row.Event, row.Created is { } created ? T + created : null, [row.Value]);

    /// <summary>Writes every view's source with the rows <paramref name="keep"/> lets through.</summary>
    private static async Task WriteSourcesAsync(MaterializationHarness harness, Func<Case, Row, bool> keep)
    {
        foreach (var view in Views)
        {
            var rows = Cases.Where(c => c.View == view).SelectMany(c => c.Rows.Where(r => keep(c, r)).Select(r => Source(c, r))).ToArray();
            await harness.AddViewAsync(view, ["BIGINT"], rows, withCreated: view != PlainTtl);
        }
    }

    [Fact]
    public async Task Training_set_materializer_selection_and_online_reads_at_T_pick_the_same_row_for_every_edge_case()
    {
        await using var harness = new MaterializationHarness(redis.Connection);
        await WriteSourcesAsync(harness, (_, _) => true);

        // (b) happens inside the engine's run; its selection is also read directly, with the window the engine uses.
        var summaries = await harness.RunAsync(null, AsOf);
        Assert.Equal(Views.Length, summaries.Count);

        var mismatches = new List<string>();
        var compared = 0;
        foreach (var view in Views)
        {
            var keys = KeysOf(view);
            // Every key asked twice: the entity rows then outnumber the source rows, so a source without ties on event
            // time is checked and joined on event time alone (EventTimeTieCheck).
            var training = await ConsistencyScenario.TrainingSetAsync(harness, [$"{view.Name}:value"], [("driver_id", keys.Concat(keys).Cast<object?>().ToArray())]);
            var selection = await SelectionAsync(harness, view);
            var online = await OnlineAsync(harness, view, keys);
            for (var i = 0; i < keys.Length; i++)
            {
                compared++;
                var expected = ExpectedPick(view, keys[i]);
                var expectedValue = ExpectedOf(view, keys[i]);
                var trainingValue = (long?)training[i][0] == (long?)training[i + keys.Length][0] ? (long?)training[i][0] : -1;
                var selected = selection.GetValueOrDefault(keys[i], "none");
                var name = Cases.SingleOrDefault(c => c.View == view && c.Key == keys[i])?.Name ?? "no rows at all";
                if (trainingValue != expectedValue || selected != expected || online[i] != expected)
                {
                    mismatches.Add($"{view.Name} key {keys[i]} ({name}): expected {expected}; (a) training set {trainingValue?.ToString() ?? "none"}, " +
                                   $"(b) materializer selection {selected}, (c) online read {online[i]}");
                }
            }
        }

        output.WriteLine($"{compared} keys compared across three paths; {mismatches.Count} mismatches");
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }
        Assert.Equal(Cases.Length + Views.Length, compared);
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task Online_reads_at_T_pick_the_same_row_when_the_materializer_loads_versions_up_then_down()
    {
        await using var harness = new MaterializationHarness(redis.Connection);
        // Per key, the rows at or before T ranked by version: run k loads ranks 1..k (so run k writes rank k, an
        // increase), the last run loads rank 1 only (a decrease the compare-and-set must refuse). Rows after T stay in
        // every run; the window is wide, so the read's TTL check decides expiry.
        var ranks = Cases.SelectMany(c => c.Rows.Where(r => r.Event <= TimeSpan.Zero)
                .OrderBy(r => RowVersion.Of(AsOf + r.Event, r.Created is { } created ? AsOf + created : null))
                .Select((r, i) => (r.Value, Rank: i + 1)))
            .ToDictionary(x => x.Value, x => x.Rank);
        var runs = Enumerable.Range(1, ranks.Values.Max()).Append(1).ToArray();
        foreach (var maxRank in runs)
        {
            await WriteSourcesAsync(harness, (_, r) => !ranks.TryGetValue(r.Value, out var rank) || rank <= maxRank);
            await harness.RunAsync(AsOf.AddDays(-400), AsOf);
        }

        var mismatches = new List<string>();
        foreach (var view in Views)
        {
            var keys = KeysOf(view);
            var online = await OnlineAsync(harness, view, keys);
            for (var i = 0; i < keys.Length; i++)
            {
                var expected = ExpectedPick(view, keys[i]);
                if (online[i] != expected)
                {
                    var name = Cases.SingleOrDefault(c => c.View == view && c.Key == keys[i])?.Name ?? "no rows at all";
                    mismatches.Add($"{view.Name} key {keys[i]} ({name}): expected {expected}; (d) online read after runs {string.Join(",", runs)}: {online[i]}");
                }
            }
        }
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }
        Assert.Empty(mismatches);
    }

    /// <summary>(b) The offline latest-row selection for the window the engine uses by default when materializing up to T.</summary>
    private static async Task<Dictionary<long, string>> SelectionAsync(MaterializationHarness harness, FeatureViewDefinition view)
    {
        var picks = new Dictionary<long, string>();
        await using var scan = await new DuckDbOfflineStore().PrepareLatestRowsAsync(
            new LatestRowsRequest(harness.Definitions, view, harness.Root, LatestValueRule.OldestWithinTtl(AsOf, view.Ttl), AsOf));
        while (await scan.ReadAsync())
        {
            var row = scan.Current;
            picks.Add(row.GetInt64(0), Pick(row.GetInt64(scan.Layout.FirstFeatureOrdinal), row.GetInt64(scan.Layout.EventOrdinal)));
        }
        return picks;
    }

    /// <summary>(c) What an online read at T serves per key: a present value with its event time, or none.</summary>
    private static async Task<string[]> OnlineAsync(MaterializationHarness harness, FeatureViewDefinition view, long[] keys)
    {
        var read = await harness.ReadAsync([$"{view.Name}:value"], AsOf, ("driver_id", keys.Cast<object?>().ToArray()));
        var column = read.Columns[0];
        return keys.Select((_, i) => column.Statuses[i] == FeatureStatus.Present
            ? Pick(((long[])column.Values)[i], column.EventTimestampMicros[i])
            : "none").ToArray();
    }
}
