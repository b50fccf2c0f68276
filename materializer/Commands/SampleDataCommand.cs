using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.SampleData;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore sample-data</c>: writes the example repository's Parquet files (deterministic for a seed and an end
/// time), so the quickstart has data without downloading anything.
/// </summary>
internal sealed class SampleDataCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var seed = new Option<int>("--seed") { Description = "Seed of the generated values", DefaultValueFactory = _ => SampleDataOptions.DefaultSeed };
        var drivers = new Option<int>("--drivers") { Description = "Number of drivers (ids from 1001)", DefaultValueFactory = _ => SampleDataOptions.DefaultDrivers };
        var customers = new Option<int>("--customers") { Description = "Number of customers (ids from 2001)", DefaultValueFactory = _ => SampleDataOptions.DefaultCustomers };
        var days = new Option<int>("--days") { Description = "Days of history", DefaultValueFactory = _ => SampleDataOptions.DefaultDays };
        var end = new Option<string?>("--end")
        {
            Description = "Newest event time, ISO 8601 (UTC unless an offset is given), truncated to the hour; default: now",
        };
        var command = new Command("sample-data", "Write the example repository's Parquet files (data/driver_stats.parquet, data/customer_profile.parquet)")
        {
            repo, seed, drivers, customers, days, end,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = new SampleDataOptions(
                parseResult.GetValue(seed),
                parseResult.GetValue(drivers),
                parseResult.GetValue(customers),
                parseResult.GetValue(days),
                ParseEnd(parseResult.GetValue(end)));
            var repository = parseResult.GetValue(repo) ?? ".";
            var written = await SampleDataGenerator.WriteAsync(repository, options, cancellationToken);
            foreach (var file in written)
            {
                await context.Output.WriteLineAsync(
                    $"wrote {Path.Combine(repository, file.RelativePath)}: {file.Rows} rows for {file.Keys} keys, " +
                    $"{file.From:yyyy-MM-ddTHH:mm:ssZ} to {file.To:yyyy-MM-ddTHH:mm:ssZ} (seed {options.Seed})");
            }
            return CliApplication.Success;
        });
        return command;
    }

    private static DateTimeOffset ParseEnd(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DateTimeOffset.UtcNow;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var end))
        {
            return end;
        }
        throw new UserInputException($"--end '{text}' is not a date and time; write e.g. 2024-05-01T12:00:00Z.");
    }
}
