using DuckDB.NET.Data;
using FeatureStore.DuckDb;

namespace FeatureStore.Materializer.SampleData;

/// <summary>One Parquet file written by <see cref="SampleDataGenerator"/>.</summary>
internal sealed record SampleFile(string RelativePath, long Rows, int Keys, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Writes the Parquet files of the example repository (<c>definitions/</c>): hourly driver statistics and daily
/// customer profiles, with the column types the example declares. Values are a pure function of the seed, the key and
/// the event time, so runs are reproducible; files are written next to their final name and moved into place, so a
/// reader never sees half a file.
/// </summary>
internal static class SampleDataGenerator
{
    public const string DriverFile = "data/driver_stats.parquet";
    public const string CustomerFile = "data/customer_profile.parquet";

    // Streams of noise: one per generated quantity, so changing one column's formula leaves the others as they were.
    private const int DriverConvBase = 1, DriverConv = 2, DriverAccBase = 3, DriverAcc = 4, DriverTripsBase = 5, DriverTrips = 6, DriverCreated = 7;
    private const int CustomerBalance = 11, CustomerPassengers = 12, CustomerTripsBase = 13, CustomerTripsRate = 14, CustomerCreated = 15;

    public static async Task<IReadOnlyList<SampleFile>> WriteAsync(string repositoryFolder, SampleDataOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var root = Path.GetFullPath(repositoryFolder);
        if (!Directory.Exists(root))
        {
            throw new Core.Errors.NotFoundException($"Repository folder '{repositoryFolder}' does not exist.");
        }
        await using var connection = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken);
        return
        [
            await WriteDriversAsync(connection, root, options, cancellationToken),
            await WriteCustomersAsync(connection, root, options, cancellationToken),
        ];
    }

    private static async Task<SampleFile> WriteDriversAsync(DuckDBConnection connection, string root, SampleDataOptions options, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection,
            "CREATE OR REPLACE TABLE driver_stats (driver_id BIGINT, event_timestamp TIMESTAMPTZ, created TIMESTAMPTZ, " +
            "conv_rate FLOAT, acc_rate FLOAT, avg_daily_trips BIGINT)", cancellationToken);
        var hours = options.Days * 24;
        var first = options.EndHour.AddHours(-(hours - 1));
        var seed = options.Seed;
        using (var appender = connection.CreateAppender("driver_stats"))
        {
            for (var d = 0; d < options.Drivers; d++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = SampleDataOptions.FirstDriverId + d;
                var convBase = 0.2 + 0.6 * SeededNoise.Uniform(seed, id, 0, DriverConvBase);
                var accBase = 0.3 + 0.6 * SeededNoise.Uniform(seed, id, 0, DriverAccBase);
                var tripsBase = 5 + (long)(40 * SeededNoise.Uniform(seed, id, 0, DriverTripsBase));
                for (var h = 0; h < hours; h++)
                {
                    var eventTime = first.AddHours(h);
                    var t = eventTime.ToUnixTimeSeconds();
                    var row = appender.CreateRow();
                    row.AppendValue(id);
                    row.AppendValue(eventTime);
                    row.AppendValue(eventTime.AddSeconds(60 + (int)(240 * SeededNoise.Uniform(seed, id, t, DriverCreated))));
                    row.AppendValue((float)Math.Clamp(convBase + 0.2 * (SeededNoise.Uniform(seed, id, t, DriverConv) - 0.5), 0, 1));
                    row.AppendValue((float)Math.Clamp(accBase + 0.2 * (SeededNoise.Uniform(seed, id, t, DriverAcc) - 0.5), 0, 1));
                    row.AppendValue(tripsBase + (long)(10 * SeededNoise.Uniform(seed, id, t, DriverTrips)));
                    row.EndRow();
                }
            }
        }
        await CopyToParquetAsync(connection, "driver_stats", Path.Combine(root, DriverFile), cancellationToken);
        return new SampleFile(DriverFile, (long)options.Drivers * hours, options.Drivers, first, options.EndHour);
    }

    private static async Task<SampleFile> WriteCustomersAsync(DuckDBConnection connection, string root, SampleDataOptions options, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection,
            "CREATE OR REPLACE TABLE customer_profile (customer_id BIGINT, event_timestamp TIMESTAMPTZ, created TIMESTAMPTZ, " +
            "current_balance FLOAT, avg_passenger_count FLOAT, lifetime_trip_count BIGINT)", cancellationToken);
        var first = options.EndHour.AddDays(-(options.Days - 1));
        var seed = options.Seed;
        using (var appender = connection.CreateAppender("customer_profile"))
        {
            for (var c = 0; c < options.Customers; c++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var id = SampleDataOptions.FirstCustomerId + c;
                var tripsBase = (long)(500 * SeededNoise.Uniform(seed, id, 0, CustomerTripsBase));
                var tripsPerDay = 1 + (long)(5 * SeededNoise.Uniform(seed, id, 0, CustomerTripsRate));
                for (var day = 0; day < options.Days; day++)
                {
                    var eventTime = first.AddDays(day);
                    var t = eventTime.ToUnixTimeSeconds();
                    // Grows with calendar days, so the lifetime count never decreases whatever the window asked for.
                    var daysSinceEpoch = t / 86400;
                    var row = appender.CreateRow();
                    row.AppendValue(id);
                    row.AppendValue(eventTime);
                    row.AppendValue(eventTime.AddSeconds(60 + (int)(240 * SeededNoise.Uniform(seed, id, t, CustomerCreated))));
                    row.AppendValue((float)Math.Round(1000 * SeededNoise.Uniform(seed, id, t, CustomerBalance), 2));
                    row.AppendValue((float)Math.Round(1 + 3 * SeededNoise.Uniform(seed, id, t, CustomerPassengers), 2));
                    row.AppendValue(tripsBase + tripsPerDay * (daysSinceEpoch - 18_000));
                    row.EndRow();
                }
            }
        }
        await CopyToParquetAsync(connection, "customer_profile", Path.Combine(root, CustomerFile), cancellationToken);
        return new SampleFile(CustomerFile, (long)options.Customers * options.Days, options.Customers, first, options.EndHour);
    }

    private static async Task CopyToParquetAsync(DuckDBConnection connection, string table, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            // COPY takes its target only as a literal, not as a parameter: the path is quoted by doubling quotes.
            // The table name is one of this class's constants.
            await ExecuteAsync(connection, $"COPY {table} TO '{temporary.Replace("'", "''")}' (FORMAT PARQUET)", cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
