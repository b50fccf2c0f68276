using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Online;

namespace FeatureStore.Tests.Logging;

/// <summary>
/// Definitions with every feature type and a composite key, and served answers built by hand, for the log writer's
/// tests (no server, no Redis).
/// </summary>
internal static class LogTestData
{
    private static FeatureDefinition F(string name, string type) => new() { Name = name, Type = FeatureType.Parse(type) };

    public static DefinitionSet Definitions { get; } = new()
    {
        Project = "logtest",
        Entities =
        [
            new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") },
            new EntityDefinition { Name = "customer", JoinKey = "customer_id", ValueType = FeatureType.Parse("string") },
        ],
        Sources =
        [
            new SourceDefinition { Name = "stats_source", Path = "stats.parquet", TimestampField = "ts" },
            new SourceDefinition { Name = "pair_source", Path = "pair.parquet", TimestampField = "ts" },
        ],
        FeatureViews =
        [
            new FeatureViewDefinition
            {
                Name = "stats", Entities = ["driver"], Source = "stats_source",
                Features =
                [
                    F("conv", "float32"), F("trips", "int64"), F("label", "string"), F("vip", "bool"), F("level", "int32"),
                    F("score", "float64"), F("raw", "bytes"), F("seen", "timestamp"), F("tags", "list<string>"), F("emb", "list<float32>"),
                    F("times", "list<timestamp>"),
                ],
            },
            new FeatureViewDefinition { Name = "pair", Entities = ["driver", "customer"], Source = "pair_source", Features = [F("rides", "int32")] },
        ],
        FeatureServices =
        [
            new FeatureServiceDefinition { Name = "everything", Features = ["stats", "pair:rides"], Logging = new FeatureServiceLogging { SampleRate = 1 } },
        ],
    };

    public static IReadOnlyList<FeatureReference> Features { get; } = Definitions.ResolveService("everything");

    public static LogSchema Schema { get; } = LogSchema.For(Definitions, "everything", Features);

    public static readonly DateTimeOffset Event = new(2024, 5, 1, 10, 30, 15, 250, TimeSpan.Zero);

    /// <summary>
    /// A request of <paramref name="rows"/> entities: driver <c>first + i</c>, customer <c>c{i}</c>. Row 0 is PRESENT
    /// everywhere, row 1 NOT_FOUND, row 2 NULL_VALUE, row 3 OUTSIDE_MAX_AGE, the rest PRESENT with values from i.
    /// </summary>
    public static LoggedRequest Request(int rows, long firstDriver = 1, DateTimeOffset? at = null, string? id = null)
    {
        var columns = Features.Select(f => Definitions.GetFeatureView(f.View).FindFeature(f.Feature)!.Type)
            .Select(type => new FeatureColumn(type, rows)).ToArray();
        var eventMicros = TimestampMicros.FromDateTimeOffset(Event);
        for (var row = 0; row < rows; row++)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                switch (row)
                {
                    case 1:
                        continue;
                    case 2:
                        column.SetRow(row, FeatureStatus.Present, eventMicros);
                        column.SetNull(row);
                        continue;
                    case 3:
                        column.SetRow(row, FeatureStatus.OutsideMaxAge, eventMicros - 1);
                        continue;
                }
                column.SetRow(row, FeatureStatus.Present, eventMicros + row);
                SetValue(column, row);
            }
        }
        var requestTime = at ?? Event.AddHours(1);
        return new LoggedRequest(
            Schema, id ?? Guid.NewGuid().ToString("N"), TimestampMicros.FromDateTimeOffset(requestTime), 7,
            Schema.Keys.Select(k => k.JoinKey == "driver_id"
                ? Enumerable.Range(0, rows).Select(i => (object?)(firstDriver + i)).ToArray()
                : Enumerable.Range(0, rows).Select(i => (object?)$"c{i}").ToArray()).ToArray(),
            columns, rows);
    }

    private static void SetValue(FeatureColumn column, int row)
    {
        switch (column.Type)
        {
            case { IsList: true, Scalar: ScalarType.String }:
                column.SetList(row, row % 2 == 0 ? new[] { $"t{row}", "x" } : new string?[] { null, $"t{row}" });
                break;
            case { IsList: true, Scalar: ScalarType.Timestamp }:
                column.SetList(row, new DateTimeOffset?[] { Event.AddTicks(row * 10), null });
                break;
            case { IsList: true }:
                column.SetList(row, row % 2 == 0 ? Array.Empty<float>() : new float?[] { row + 0.5f, null });
                break;
            case { Scalar: ScalarType.Float32 }: column.Set(row, row + 0.25f); break;
            case { Scalar: ScalarType.Int64 }: column.Set(row, 1_000_000_000_000L + row); break;
            case { Scalar: ScalarType.String }: column.Set(row, $"label-{row}"); break;
            case { Scalar: ScalarType.Bool }: column.Set(row, row % 2 == 0); break;
            case { Scalar: ScalarType.Int32 }: column.Set(row, -row); break;
            case { Scalar: ScalarType.Float64 }: column.Set(row, row / 3.0); break;
            case { Scalar: ScalarType.Bytes }: column.Set(row, new[] { (byte)row, (byte)255 }); break;
            case { Scalar: ScalarType.Timestamp }: column.Set(row, TimestampMicros.FromDateTimeOffset(Event) - row); break;
        }
    }
}
