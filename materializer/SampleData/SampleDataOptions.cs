using FeatureStore.Core.Errors;

namespace FeatureStore.Materializer.SampleData;

/// <summary>
/// What to generate. <see cref="End"/> is the newest event time (truncated to the hour, UTC); with the same seed and
/// end every value is the same.
/// </summary>
internal sealed record SampleDataOptions(int Seed, int Drivers, int Customers, int Days, DateTimeOffset End)
{
    public const int DefaultSeed = 42;
    public const int DefaultDrivers = 100;
    public const int DefaultCustomers = 100;
    public const int DefaultDays = 7;

    /// <summary>The first driver id (as in Feast's driver example) and the first customer id.</summary>
    public const long FirstDriverId = 1001;
    public const long FirstCustomerId = 2001;

    public DateTimeOffset EndHour { get; } = TruncateToHour(End);

    public static DateTimeOffset TruncateToHour(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public void Validate()
    {
        if (Drivers is < 1 or > 1_000_000)
        {
            throw new UserInputException($"--drivers must be between 1 and 1000000, not {Drivers}.");
        }
        if (Customers is < 1 or > 1_000_000)
        {
            throw new UserInputException($"--customers must be between 1 and 1000000, not {Customers}.");
        }
        if (Days is < 1 or > 3660)
        {
            throw new UserInputException($"--days must be between 1 and 3660, not {Days}.");
        }
        if ((long)Drivers * Days * 24 > 200_000_000)
        {
            throw new UserInputException($"{Drivers} drivers over {Days} days would be {(long)Drivers * Days * 24} rows; ask for fewer.");
        }
    }
}
