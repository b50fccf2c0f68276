using System.Buffers;
using System.Text.Json;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Serving;
using Xunit;

namespace FeatureStore.Tests.Server;

public sealed class FeastJsonResponseWriterTests
{
    private static readonly DateTimeOffset Base = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Event_timestamps_follow_each_row_and_view_when_views_interleave()
    {
        // Two views with their own timestamp per row, their features interleaved (a -> b -> a), one row missing in b
        // and one row without a timestamp: the per-row cache must never hand one view's text to the other.
        var a = Base.AddSeconds(1);
        var b = Base.AddMilliseconds(2_500);
        long[] viewA = [Micros(a), Micros(a.AddDays(1)), Micros(a.AddMicroseconds(7))];
        long[] viewB = [Micros(b), TimestampMicros.Missing, Micros(b.AddYears(-3))];
        var columns = new[] { Column(viewA), Column(viewB), Column(viewA) };

        var results = Write(columns, rows: 3).GetProperty("results");

        string[] expectedA = ["2026-11-27T08:00:01Z", "2026-11-28T08:00:01Z", "2026-11-27T08:00:01.000007Z"];
        string[] expectedB = ["2026-11-27T08:00:02.500Z", "1970-01-01T00:00:00Z", "2023-11-27T08:00:02.500Z"];
        Assert.Equal(expectedA, Timestamps(results[1]));
        Assert.Equal(expectedB, Timestamps(results[2]));
        Assert.Equal(expectedA, Timestamps(results[3]));
    }

    [Fact]
    public void Every_timestamp_reads_back_as_its_instant()
    {
        // Distinct instants across leap days, year ends and the sub-second forms (none, ms, µs).
        var instants = new[]
        {
            new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero),
            new DateTimeOffset(1999, 12, 31, 0, 0, 0, 123, TimeSpan.Zero),
            new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMicroseconds(1),
            new DateTimeOffset(1970, 1, 1, 0, 0, 1, TimeSpan.Zero),
        };
        var columns = new[] { Column(instants.Select(Micros).ToArray()) };

        var written = Timestamps(Write(columns, rows: instants.Length).GetProperty("results")[1]);

        Assert.Equal(instants, written.Select(t => DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static long Micros(DateTimeOffset time) => TimestampMicros.FromDateTimeOffset(time);

    private static FeatureColumn Column(long[] eventMicros)
    {
        var column = new FeatureColumn(new FeatureType(ScalarType.Int64), eventMicros.Length);
        for (var row = 0; row < eventMicros.Length; row++)
        {
            column.SetRow(row, eventMicros[row] == TimestampMicros.Missing ? FeatureStatus.NotFound : FeatureStatus.Present, eventMicros[row]);
            column.Set(row, (long)row);
        }
        return column;
    }

    private static JsonElement Write(FeatureColumn[] columns, int rows)
    {
        var features = columns.Select((_, i) => new FeatureReference($"view_{i}", $"f{i}")).ToArray();
        var result = new ServingResult(
            ["id", .. features.Select(f => f.Feature)],
            [new EntityColumn("id", Enumerable.Range(0, rows).Select(r => (object?)(long)r).ToArray())],
            new OnlineReadResult(features, columns),
            rows);
        var buffer = new ArrayBufferWriter<byte>();
        FeastJsonResponseWriter.Write(buffer, result);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement;
    }

    private static string[] Timestamps(JsonElement result) =>
        result.GetProperty("event_timestamps").EnumerateArray().Select(t => t.GetString()!).ToArray();
}
