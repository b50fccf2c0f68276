using DuckDB.NET.Data;
using FeatureStore.DuckDb;
using FeatureStore.Tests.Infrastructure;

namespace FeatureStore.Tests.Offline;

/// <summary>
/// The statistics shortcut of the skipped-row count: it may claim "nothing skipped" only when the exact count is 0,
/// so every claim is checked against the exact count over the data, and every source with something to skip (or
/// whose statistics cannot tell) must get no claim. Source column <c>k</c> is the join key, <c>e</c> the event timestamp.
/// </summary>
public sealed class CleanSourceStatisticsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("featurestore-stats-").FullName;

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

    public static TheoryData<string, string, bool> Sources => new()
    {
        { "clean timestamps", "SELECT i AS k, TIMESTAMP '2024-01-01' + to_seconds(i) AS e FROM range(10) t(i)", true },
        { "clean zoned timestamps", "SELECT 1::BIGINT AS k, TIMESTAMPTZ '2024-01-01 05:00:00+03' AS e", true },
        { "clean dates", "SELECT 1::BIGINT AS k, DATE '2024-01-01' AS e", true },
        { "clean nanosecond timestamps", "SELECT 1::BIGINT AS k, TIMESTAMP_NS '2024-01-01 00:00:00.123456789' AS e", true },
        { "a NULL join key", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2024-01-01'), (NULL, TIMESTAMP '2024-01-02')) t(k, e)", false },
        { "a NULL event timestamp", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2024-01-01'), (2, NULL)) t(k, e)", false },
        { "an infinite event timestamp", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2024-01-01'), (2, 'infinity'::TIMESTAMP)) t(k, e)", false },
        { "a minus-infinite event timestamp", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2024-01-01'), (2, '-infinity'::TIMESTAMP)) t(k, e)", false },
        { "an infinite zoned event timestamp", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMPTZ '2024-01-01 00:00:00+00'), (2, 'infinity'::TIMESTAMPTZ)) t(k, e)", false },
        { "an infinite event date", "SELECT * FROM (VALUES (1::BIGINT, DATE '2024-01-01'), (2, 'infinity'::DATE)) t(k, e)", false },
        { "an infinite nanosecond event timestamp", "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP_NS '2024-01-01'), (2, 'infinity'::TIMESTAMP_NS)) t(k, e)", false },
        { "an event timestamp as text", "SELECT 1::BIGINT AS k, '2024-01-01 00:00:00' AS e", false },
        { "a join key nested in a struct", "SELECT {'a': 1::BIGINT} AS k, TIMESTAMP '2024-01-01' AS e", false },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Statistics_prove_nothing_skipped_only_for_a_clean_source(string what, string selectSql, bool clean)
    {
        var file = Path.Combine(_root, "source.parquet");
        await TestParquet.WriteQueryAsync(file, selectSql);

        var proven = await ProveAsync([file]);

        Assert.True(clean == proven, $"{what}: expected the statistics {(clean ? "" : "not ")}to prove a clean source.");
        if (proven)
        {
            Assert.Equal(0, await ExactSkippedAsync([file]));
        }
    }

    [Fact]
    public async Task An_infinite_event_timestamp_in_a_later_row_group_withholds_the_proof()
    {
        var file = Path.Combine(_root, "source.parquet");
        await TestParquet.WriteQueryAsync(file,
            "SELECT i AS k, CASE WHEN i = 9999 THEN 'infinity'::TIMESTAMP ELSE TIMESTAMP '2024-01-01' + to_seconds(i) END AS e FROM range(10000) t(i)",
            rowGroupSize: 2048);

        Assert.False(await ProveAsync([file]));
        Assert.Equal(1, await ExactSkippedAsync([file]));
    }

    [Fact]
    public async Task A_NULL_join_key_in_any_file_withholds_the_proof()
    {
        var clean = Path.Combine(_root, "a.parquet");
        var dirty = Path.Combine(_root, "b.parquet");
        await TestParquet.WriteQueryAsync(clean, "SELECT 1::BIGINT AS k, TIMESTAMP '2024-01-01' AS e");
        await TestParquet.WriteQueryAsync(dirty, "SELECT NULL::BIGINT AS k, TIMESTAMP '2024-01-01' AS e");

        Assert.True(await ProveAsync([clean]));
        Assert.False(await ProveAsync([clean, dirty]));
    }

    private static async Task<bool> ProveAsync(IReadOnlyList<string> files)
    {
        await using var connection = await OpenAsync();
        var eventType = await TypeOfAsync(connection, files[0], "e");
        return await CleanSourceStatistics.ProveNoneSkippedAsync(connection, files, ["k"], new FeatureStore.DuckDb.ColumnInfo("e", eventType), CancellationToken.None);
    }

    /// <summary>Rows without a finite event instant or with a NULL key, counted over the data.</summary>
    private static async Task<long> ExactSkippedAsync(IReadOnlyList<string> files)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FILTER (WHERE k IS NULL OR NOT coalesce(isfinite(e), false)) FROM read_parquet($files)";
        command.Parameters.Add(new DuckDBParameter("files", files.ToList()));
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> TypeOfAsync(DuckDBConnection connection, string file, string column)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet($file)) WHERE column_name = $column";
        command.Parameters.Add(new DuckDBParameter("file", file));
        command.Parameters.Add(new DuckDBParameter("column", column));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<DuckDBConnection> OpenAsync()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        return connection;
    }
}
