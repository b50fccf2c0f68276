using FeatureStore.Core.Definitions;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using FeatureStore.Core.Scheduling;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// With <c>--materialize-on-schedule</c>, the server does what <c>featurestore worker</c> does: the same
/// <see cref="MaterializationWorker"/> runs each due view until the server stops. Workers and other servers on the
/// repository share the views' locks, so none runs a view twice at once.
/// </summary>
internal sealed class ScheduledMaterializationService(
    IRegistry registry,
    RepositoryConfig repository,
    MaterializationEngine engine,
    MaterializationMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the first pass reads the registry and may run views for a long time.
        await Task.Yield();
        var worker = new MaterializationWorker(
            registry, engine, repository.Root, time, loggers.CreateLogger<MaterializationWorker>(), onRun: run =>
            {
                if (run.Outcome == ScheduledRunOutcome.Failed)
                {
                    metrics.RecordFailure(run.View);
                }
            });
        loggers.CreateLogger<ScheduledMaterializationService>().LogInformation(
            "Scheduled materialization is on: views run on their schedules (UTC) from the applied registry.");
        await worker.RunAsync(stoppingToken);
    }
}
