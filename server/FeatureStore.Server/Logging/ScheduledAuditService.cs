using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Server.Registry;

namespace FeatureStore.Server.Logging;

/// <summary>
/// <c>--audit-on-schedule</c>: every interval, audits each logged feature service of the served registry version over
/// the requests of the last interval, and exports each feature's mismatch rate at <c>/metrics</c>
/// (<c>featurestore_audit_mismatch_rate</c>). The window ends two flush intervals ago, so its rows are in files.
/// A failing audit is logged and retried at the next interval; serving is never affected.
/// </summary>
internal sealed class ScheduledAuditService(
    TimeSpan interval,
    ActiveDefinitions active,
    RepositoryConfig repository,
    ILogAudit audit,
    FeatureLogMetrics metrics,
    TimeProvider time,
    ILogger<ScheduledAuditService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        var settings = repository.LoggingSettings();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var snapshot = active.Snapshot;
            var until = time.GetUtcNow() - 2 * settings.FlushInterval;
            foreach (var service in snapshot.Definitions.FeatureServices.Where(s => s.Logging is not null))
            {
                if (!Directory.Exists(Path.Combine(settings.Path, service.Name)))
                {
                    continue;
                }
                try
                {
                    var report = await audit.RunAsync(new AuditRequest
                    {
                        Definitions = snapshot.Definitions,
                        RepositoryRoot = repository.Root,
                        Service = service.Name,
                        LogFolder = settings.Path,
                        Since = until - interval,
                        Until = until,
                    }, stoppingToken);
                    metrics.RecordAudit(report, time.GetUtcNow());
                    if (report.Mismatches > 0)
                    {
                        logger.LogWarning("Scheduled audit of feature service {Service}: {Mismatches} of {Rows} logged rows differ from the offline values (highest mismatch rate {Rate:P2}).",
                            service.Name, report.Mismatches, report.Rows, report.MaxMismatchRate);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError("Scheduled audit of feature service {Service} failed: {Reason}", service.Name, ex.Message);
                }
            }
        }
    }
}
