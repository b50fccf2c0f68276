using DuckDB.NET.Data;
using FeatureStore.Tests.Cli;

namespace FeatureStore.Tests.SampleData;

public sealed class SampleDataGeneratorTests : IDisposable
{
    private const string End = "2024-05-01T12:00:00Z";
    private readonly List<string> _folders = [];

    [Fact]
    public async Task Same_seed_and_end_give_the_same_rows()
    {
        var first = await GenerateAsync("--seed", "7", "--drivers", "5", "--customers", "4", "--days", "2");
        var second = await GenerateAsync("--seed", "7", "--drivers", "5", "--customers", "4", "--days", "2");

        foreach (var file in new[] { "data/driver_stats.parquet", "data/customer_profile.parquet" })
        {
            Assert.Equal(0L, await ScalarAsync(
                "SELECT count(*) FROM (SELECT * FROM read_parquet($a) EXCEPT ALL SELECT * FROM read_parquet($b))",
                Path.Combine(first, file), Path.Combine(second, file)));
            Assert.Equal(0L, await ScalarAsync(
                "SELECT count(*) FROM (SELECT * FROM read_parquet($b) EXCEPT ALL SELECT * FROM read_parquet($a))",
                Path.Combine(first, file), Path.Combine(second, file)));
        }
    }

    [Fact]
    public async Task Different_seeds_give_different_values()
    {
        var first = await GenerateAsync("--seed", "1", "--drivers", "3", "--days", "1");
        var second = await GenerateAsync("--seed", "2", "--drivers", "3", "--days", "1");

        var differing = await ScalarAsync(
            "SELECT count(*) FROM read_parquet($a) a JOIN read_parquet($b) b USING (driver_id, event_timestamp) WHERE a.conv_rate <> b.conv_rate",
            Path.Combine(first, "data/driver_stats.parquet"), Path.Combine(second, "data/driver_stats.parquet"));
        Assert.True(differing > 0);
    }

    [Fact]
    public async Task Writes_hourly_driver_rows_and_daily_customer_rows_with_the_declared_types_ending_at_end()
    {
        var folder = await GenerateAsync("--drivers", "4", "--customers", "3", "--days", "2", "--end", "2024-05-01T12:34:56Z");
        var drivers = Path.Combine(folder, "data/driver_stats.parquet");
        var customers = Path.Combine(folder, "data/customer_profile.parquet");

        Assert.Equal(4L * 48, await ScalarAsync("SELECT count(*) FROM read_parquet($a)", drivers));
        Assert.Equal(4L, await ScalarAsync("SELECT count(DISTINCT driver_id) FROM read_parquet($a) WHERE driver_id BETWEEN 1001 AND 1004", drivers));
        Assert.Equal(48L, await ScalarAsync(
            "SELECT count(DISTINCT event_timestamp) FROM read_parquet($a) WHERE minute(event_timestamp) = 0 AND event_timestamp <= TIMESTAMPTZ '2024-05-01 12:00:00+00' AND event_timestamp >= TIMESTAMPTZ '2024-04-29 13:00:00+00'", drivers));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM read_parquet($a) WHERE conv_rate NOT BETWEEN 0 AND 1 OR acc_rate NOT BETWEEN 0 AND 1 OR created <= event_timestamp", drivers));
        Assert.Equal(
            "driver_id BIGINT, event_timestamp TIMESTAMP WITH TIME ZONE, created TIMESTAMP WITH TIME ZONE, conv_rate FLOAT, acc_rate FLOAT, avg_daily_trips BIGINT",
            await SchemaAsync(drivers));

        Assert.Equal(3L * 2, await ScalarAsync("SELECT count(*) FROM read_parquet($a)", customers));
        Assert.Equal(
            "customer_id BIGINT, event_timestamp TIMESTAMP WITH TIME ZONE, created TIMESTAMP WITH TIME ZONE, current_balance FLOAT, avg_passenger_count FLOAT, lifetime_trip_count BIGINT",
            await SchemaAsync(customers));
        Assert.Equal(0L, await ScalarAsync(
            "SELECT count(*) FROM (SELECT lifetime_trip_count < lag(lifetime_trip_count) OVER (PARTITION BY customer_id ORDER BY event_timestamp) AS down FROM read_parquet($a)) WHERE down",
            customers));
    }

    [Fact]
    public async Task Prints_each_file_written()
    {
        var folder = NewFolder();
        var result = await CliRunner.RunAsync("sample-data", "--repo", folder, "--drivers", "2", "--customers", "2", "--days", "1", "--end", End);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("driver_stats.parquet: 48 rows for 2 keys, 2024-04-30T13:00:00Z to 2024-05-01T12:00:00Z (seed 42)", result.Output);
        Assert.Contains("customer_profile.parquet: 2 rows for 2 keys", result.Output);
    }

    [Fact]
    public async Task Bad_arguments_fail_with_exit_code_1_and_write_nothing()
    {
        var folder = NewFolder();
        var result = await CliRunner.RunAsync("sample-data", "--repo", folder, "--days", "0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--days must be between 1 and 3660", result.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "data")));
    }

    private async Task<string> GenerateAsync(params string[] args)
    {
        var folder = NewFolder();
        var withEnd = args.Contains("--end") ? args : [.. args, "--end", End];
        var result = await CliRunner.RunAsync(["sample-data", "--repo", folder, .. withEnd]);
        Assert.True(result.ExitCode == 0, result.Error);
        return folder;
    }

    private string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fs-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        return folder;
    }

    private static async Task<long> ScalarAsync(string sql, string a, string? b = null)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("a", a));
        if (b is not null)
        {
            command.Parameters.Add(new DuckDBParameter("b", b));
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<string> SchemaAsync(string path)
    {
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM read_parquet($a))";
        command.Parameters.Add(new DuckDBParameter("a", path));
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }
}
