using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using FeatureStore.Core.Scheduling;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Progress;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore status</c>: which online store the repository uses and where its data is, then per online view of
/// the applied registry, its materialization watermark, last run time, rows written and duration ("never" for views
/// not materialized yet), and its schedule with the next scheduled run ("due now" when a worker would run it at once).
/// </summary>
internal sealed class StatusCommand : ICliVerb
{
    private static readonly string[] Header = ["VIEW", "WATERMARK", "LAST RUN", "ROWS", "DURATION", "SCHEDULE", "NEXT RUN"];

    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var command = new Command("status", "Show the online store in use and each online view's materialization watermark, last run, rows written, duration, schedule and next run")
        {
            repo,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".");
            await context.Output.WriteLineAsync($"Online store: {StoreComposition.DescribeOnline(config)}");
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var current = await registry.GetCurrentAsync(cancellationToken);
            var states = (await registry.GetMaterializationStateAsync(cancellationToken)).ToDictionary(s => s.View, StringComparer.Ordinal);
            if (current is null)
            {
                await context.Output.WriteLineAsync($"Nothing applied to the registry at {registry.Folder} yet; run 'featurestore apply' first.");
                return CliApplication.Success;
            }
            var now = DateTimeOffset.UtcNow;
            var rows = new List<string[]> { Header };
            foreach (var view in current.Definitions.FeatureViews.Where(v => v.Online))
            {
                string[] materialized = states.TryGetValue(view.Name, out var state)
                    ? [
                        view.Name,
                        state.Watermark is { } w ? MaterializationRunner.Time(w) + (w > now ? " (in the future!)" : "") : "-",
                        state.LastRunAt is { } at ? MaterializationRunner.Time(at) : "-",
                        state.RowsWritten.ToString("N0", CultureInfo.InvariantCulture),
                        state.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s",
                    ]
                    : [view.Name, "never", "-", "0", "-"];
                var schedule = MaterializationScheduler.For(view, state, now);
                rows.Add([.. materialized, schedule?.Schedule.Text ?? "-", schedule is null ? "-" : ScheduleText.NextRun(schedule)]);
            }
            var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var row in rows)
            {
                await context.Output.WriteLineAsync(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            }
            if (states.Values.Any(s => s.Watermark > now))
            {
                await context.Output.WriteLineAsync(
                    "A watermark in the future was recorded by an older version with a future --end; the next materialize-incremental " +
                    "continues from the time of that run.");
            }
            return CliApplication.Success;
        });
        return command;
    }
}
