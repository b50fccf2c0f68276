using DuckDB.NET.Data;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Offline;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;
using FeatureStore.Tests.Registry;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Offline;

/// <summary>
/// A source with a created timestamp needs it in the training-set join's ASOF key only when a join key has two rows at
/// one event time. Without such ties the join orders by event time alone (an integer key) and picks the same rows; with
/// one tie anywhere it keeps the (event, created) key, and the later created timestamp wins the tie. The check only
/// runs when the source has no more rows than the entity file (else it costs more than it saves).
/// </summary>
public sealed class EventTimeTieCheckTests : IDisposable
{
    private static readonly DateTime T = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly TempFolder _folder = new();
    private readonly CapturedLog _log = new();
    private (long Key, DateTime Event, DateTime Created, long Value)[] _source = [];

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_source_without_ties_on_event_time_joins_on_event_time_alone_and_picks_the_latest_row()
    {
        // Key 1: the later event wins though its created timestamp is earlier; key 2: a created timestamp after T does
        // not hold back a row at T (the default rule is by event time).
        UseSource(
            (1, T.AddMinutes(-20), T, 11), (1, T.AddMinutes(-10), T.AddMinutes(-30), 12),
            (2, T, T.AddHours(1), 21), (2, T.AddMinutes(-5), T.AddMinutes(-5), 22));

        var (values, sql) = await TrainingSetAsync(entityRowsPerKey: 2);

        Assert.Equal([12L, 12L, 21L, 21L], values);
        Assert.DoesNotContain("struct_pack", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_larger_than_the_entity_file_is_not_checked_and_keeps_the_created_timestamp_in_the_key()
    {
        UseSource(
            (1, T.AddMinutes(-20), T, 11), (1, T.AddMinutes(-10), T.AddMinutes(-30), 12),
            (2, T, T.AddHours(1), 21), (2, T.AddMinutes(-5), T.AddMinutes(-5), 22));

        var (values, sql) = await TrainingSetAsync(entityRowsPerKey: 1);

        Assert.Equal([12L, 21L], values);
        Assert.Contains("struct_pack", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_tie_on_event_time_keeps_the_created_timestamp_in_the_key_and_the_later_created_row_wins()
    {
        UseSource(
            (1, T.AddMinutes(-20), T, 11), (1, T.AddMinutes(-10), T.AddMinutes(-30), 12),
            (2, T.AddMinutes(-5), T.AddMinutes(-1), 21), (2, T.AddMinutes(-5), T.AddMinutes(-2), 22));

        var (values, sql) = await TrainingSetAsync(entityRowsPerKey: 2);

        Assert.Equal([12L, 12L, 21L, 21L], values);
        Assert.Contains("struct_pack", sql, StringComparison.Ordinal);
    }

    private void UseSource(params (long Key, DateTime Event, DateTime Created, long Value)[] rows) => _source = rows;

    private async Task WriteFilesAsync(int entityRowsPerKey)
    {
        var rows = _source;
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var values = string.Join(", ", rows.Select(r =>
            $"({r.Key}, TIMESTAMP '{r.Event:yyyy-MM-dd HH:mm:ss}', TIMESTAMP '{r.Created:yyyy-MM-dd HH:mm:ss}', {r.Value})"));
        command.CommandText = $"""
            COPY (SELECT * FROM (VALUES {values}) v(driver_id, event_timestamp, created, value)) TO '{_folder.Combine("stats.parquet")}' (FORMAT PARQUET);
            COPY (SELECT k AS driver_id, TIMESTAMP '{T:yyyy-MM-dd HH:mm:ss}' AS event_timestamp FROM range(1, 3) a(k), range(0, {entityRowsPerKey}) b(n))
              TO '{_folder.Combine("entities.parquet")}' (FORMAT PARQUET);
            """;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<(long[] Values, string Sql)> TrainingSetAsync(int entityRowsPerKey)
    {
        await WriteFilesAsync(entityRowsPerKey);
        var definitions = new DefinitionSet
        {
            Project = "ties",
            Entities = [new EntityDefinition { Name = "driver", JoinKey = "driver_id", ValueType = FeatureType.Parse("int64") }],
            Sources = [new SourceDefinition { Name = "stats_source", Path = "stats.parquet", TimestampField = "event_timestamp", CreatedTimestampField = "created" }],
            FeatureViews =
            [
                new FeatureViewDefinition
                {
                    Name = "stats", Entities = ["driver"], Source = "stats_source", Ttl = TimeSpan.FromDays(1),
                    Features = [new FeatureDefinition { Name = "value", Type = FeatureType.Parse("int64") }],
                },
            ],
        };
        using var factory = LoggerFactory.Create(b => b.AddProvider(_log).SetMinimumLevel(LogLevel.Debug));
        var store = new DuckDbOfflineStore(logger: factory.CreateLogger<DuckDbOfflineStore>());
        var output = _folder.Combine("training.parquet");
        await store.WriteTrainingSetAsync(new TrainingSetRequest
        {
            Definitions = definitions, RepositoryRoot = _folder.Path, Features = [new FeatureReference("stats", "value")],
            EntityFile = _folder.Combine("entities.parquet"), OutputPath = output,
        });

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT value FROM read_parquet('{output}') ORDER BY driver_id";
        var values = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                values.Add(reader.GetInt64(0));
            }
        }
        var sql = Assert.Single(_log.Entries, e => e.Message.StartsWith("Training set query:", StringComparison.Ordinal)).Message;
        return (values.ToArray(), sql);
    }
}
