using System.Globalization;
using DuckDB.NET.Data;
using FeatureStore.Core.PointInTime;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Offline;

/// <summary>
/// The SQL version key that both the training-set join and the materializer's selection maximize orders rows as
/// <see cref="RowVersion.CompareTo"/> does, in its struct and its integer (aggregate) form, its ASOF probe admits exactly the versions up to its time, and the event
/// read back from it is the row's. Checked in DuckDB over <see cref="VersionEdgeCases"/>; no Redis.
/// </summary>
public sealed class VersionKeySqlTests
{
    private static readonly RowVersion[] Versions = VersionEdgeCases.TimestampVersions();

    /// <summary>A connection with table <c>v(id, e, c)</c>: one row per version, naive UTC timestamps, NULL for a missing created.</summary>
    private static async Task<DuckDBConnection> OpenAsync()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var rows = Versions.Select((v, i) => string.Create(CultureInfo.InvariantCulture,
            $"({i}, make_timestamp({v.EventMicros}), {(v.HasCreated ? $"make_timestamp({v.CreatedMicros})" : "NULL::TIMESTAMP")})"));
        await ExecuteAsync(connection, $"CREATE TABLE v AS SELECT * FROM (VALUES {string.Join(", ", rows)}) t(id, e, c)");
        return connection;
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<long[]>> QueryAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<long[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? long.MinValue : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture)).ToArray());
        }
        return rows;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Version_key_orders_every_pair_of_edge_versions_as_RowVersion_does(bool aggregateForm)
    {
        await using var connection = await OpenAsync();
        var key = aggregateForm
            ? LatestRowSql.AggregateVersionKeySql(LatestRowSql.VersionKeySql("e", "c"), withCreatedTimestamp: true)
            : LatestRowSql.VersionKeySql("e", "c");

        var rows = await QueryAsync(connection, $"""
            WITH k AS (SELECT id, {key} AS key FROM v)
            SELECT a.id, b.id, CASE WHEN a.key < b.key THEN -1 WHEN a.key = b.key THEN 0 ELSE 1 END FROM k a, k b
            """);

        Assert.Equal(Versions.Length * Versions.Length, rows.Count);
        var wrong = rows.Where(r => r[2] != Math.Sign(Versions[r[0]].CompareTo(Versions[r[1]])))
            .Select(r => $"{Versions[r[0]]} vs {Versions[r[1]]}: SQL {r[2]}, RowVersion {Math.Sign(Versions[r[0]].CompareTo(Versions[r[1]]))}")
            .ToArray();
        Assert.True(wrong.Length == 0, $"{wrong.Length} pairs ordered unlike RowVersion, e.g.:\n{string.Join("\n", wrong.Take(10))}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Asof_probe_picks_the_greatest_version_with_event_at_or_before_its_time_and_the_key_gives_back_the_event(bool withCreated)
    {
        await using var connection = await OpenAsync();
        var key = LatestRowSql.VersionKeySql("e", withCreated ? "c" : null);
        var probes = string.Join(", ", VersionEdgeCases.TimestampEvents.Select(t => string.Create(CultureInfo.InvariantCulture, $"({t}, make_timestamp({t}))")));
        // Without a created column versions tie on the event time; the test breaks those ties by id.

        var rows = await QueryAsync(connection, $"""
            WITH k AS (SELECT id, e, {key} AS key FROM v),
                 p AS (SELECT * FROM (VALUES {probes}) t(t_us, t))
            SELECT p.t_us,
                   arg_max(k.id, struct_pack(key := k.key{(withCreated ? "" : ", id := k.id")})),
                   max({LatestRowSql.VersionEventMicrosSql("k.key", withCreated)}),
                   bool_and({LatestRowSql.VersionEventMicrosSql("k.key", withCreated)} = epoch_us(k.e))
              FROM p LEFT JOIN k ON {LatestRowSql.AsOfProbeKeySql("epoch_us(p.t)", withCreated)} >= k.key
             GROUP BY p.t_us ORDER BY p.t_us
            """);

        Assert.Equal(VersionEdgeCases.TimestampEvents.Length, rows.Count);
        foreach (var row in rows)
        {
            var asOf = row[0];
            var admitted = Versions.Select((v, i) => (Version: withCreated ? v : new RowVersion(v.EventMicros, RowVersion.MissingCreated), Id: i))
                .Where(x => x.Version.EventMicros <= asOf).ToArray();
            var expected = admitted.OrderBy(x => x.Version).ThenBy(x => x.Id).Last();
            Assert.Equal(expected.Id, row[1]);
            Assert.Equal(expected.Version.EventMicros, row[2]);
            Assert.Equal(1, row[3]);
        }
    }
}
