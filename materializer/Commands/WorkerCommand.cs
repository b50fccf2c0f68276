using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using FeatureStore.Core.Scheduling;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Progress;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore worker --repo DIR</c>: runs <c>materialize-incremental --end now</c> for each view whose schedule
/// (its own <c>schedule:</c> or featurestore.yaml's <c>materialization.schedule</c>, as applied) is due, until
/// stopped with Ctrl+C or SIGTERM (a run in progress is cancelled: it records nothing and frees its lock). Several
/// workers (and servers with <c>--materialize-on-schedule</c>) may share a repository: a view never runs twice at once.
/// </summary>
internal sealed class WorkerCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var poll = new Option<int>("--poll-seconds")
        {
            Description = "Longest wait in seconds between two looks at the registry, for newly applied schedules",
            DefaultValueFactory = _ => 15,
        };
        poll.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                result.AddError("--poll-seconds must be a whole number from 1 to 3600.");
            }
        });
        var command = new Command("worker", "Materialize each view on its schedule until stopped (Ctrl+C or SIGTERM)")
        {
            repo, redis, poll,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context, parseResult.GetValue(repo) ?? ".", parseResult.GetValue(redis), TimeSpan.FromSeconds(parseResult.GetValue(poll)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string repository, string? redis, TimeSpan pollInterval, CancellationToken stoppingToken)
    {
        var config = RepositoryLoader.LoadConfig(repository, new ConfigOverrides(RedisConnectionString: redis));
        var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
        await using var store = await StoreComposition.OpenOnlineAsync(config, context, stoppingToken);
        // Scheduled runs pass the same checks as materialize: a failing error check writes nothing of that view.
        var engine = new MaterializationEngine(
            store, StoreComposition.Offline(context), registry, context.LoggerFactory.CreateLogger<MaterializationEngine>(),
            quality: StoreComposition.Quality(config, context));
        var output = TextWriter.Synchronized(context.Output);
        var error = TextWriter.Synchronized(context.Error);
        var worker = new MaterializationWorker(
            registry, engine, config.Root, TimeProvider.System, context.LoggerFactory.CreateLogger<MaterializationWorker>(),
            new MaterializationWorkerOptions { PollInterval = pollInterval },
            run => Report(run, output, error));

        var schedules = await worker.GetSchedulesAsync(stoppingToken);
        await output.WriteLineAsync(schedules.Count == 0
            ? $"Worker for project {config.Project} started: no view has a schedule yet (set materialization.schedule in " +
              $"featurestore.yaml or schedule: on a view, then apply); looking again every {pollInterval.TotalSeconds:0} s. Stop with Ctrl+C."
            : $"Worker for project {config.Project} started, {schedules.Count} scheduled view{(schedules.Count == 1 ? "" : "s")}; stop with Ctrl+C.");
        foreach (var schedule in schedules)
        {
            await output.WriteLineAsync($"  {schedule.View}: {schedule.Schedule.Text} (UTC), next run {ScheduleText.NextRun(schedule)}");
        }
        await worker.RunAsync(stoppingToken);
        await output.WriteLineAsync("Worker stopped.");
        return CliApplication.Success;
    }

    private static void Report(ScheduledRun run, TextWriter output, TextWriter error)
    {
        var at = MaterializationRunner.Time(run.StartedAt);
        switch (run.Outcome)
        {
            case ScheduledRunOutcome.Succeeded:
                output.WriteLine($"{at} {MaterializationRunner.FormatSummary(run.Summary!)}");
                break;
            case ScheduledRunOutcome.Skipped:
                output.WriteLine($"{at} {run.View}: skipped, {run.Message}");
                break;
            case ScheduledRunOutcome.Locked:
                output.WriteLine($"{at} {run.View}: skipped, another run is materializing it");
                break;
            default:
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{at} {run.View}: failed after {run.Duration.TotalSeconds:0.00} s: {run.Message} (tried again at its next occurrence)"));
                break;
        }
    }
}
