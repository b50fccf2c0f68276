using DuckDB.NET.Data;

namespace FeatureStore.Tests.Infrastructure;

public sealed class TestParquetTests
{
    [Fact]
    public async Task Written_file_reads_back_with_declared_types_and_nulls()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "t.parquet");
        var ts = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        await TestParquet.WriteAsync(path,
            new TestColumn("id", "BIGINT", [1L, 2L]),
            new TestColumn("rate", "FLOAT", [0.5f, null]),
            new TestColumn("ts", "TIMESTAMP", [ts, ts.AddHours(1)]),
            new TestColumn("emb", "FLOAT[]", [new[] { 1f, 2f }, null]));

        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), count(rate), max(ts), CAST(sum(len(emb)) AS BIGINT) FROM read_parquet($path)";
        command.Parameters.Add(new DuckDBParameter("path", path));
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2L, reader.GetInt64(0));
        Assert.Equal(1L, reader.GetInt64(1));
        Assert.Equal(ts.AddHours(1), reader.GetDateTime(2));
        Assert.Equal(2L, Convert.ToInt64(reader.GetValue(3)));
    }
}
