using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Server.Registry;

namespace FeatureStore.Server.Logging;

/// <summary>
/// <c>--audit-on-schedule</c>: at each time of the schedule, audits each logged feature service of the served registry
/// version over the requests since the previous audit (the first covers those since the server started), and exports
/// each feature's mismatch rate at <c>/metrics</c> (<c>featurestore_audit_mismatch_rate</c>). Windows end two flush
/// intervals before the audit, so their rows are in files, and each starts where the previous one ended, so no request
/// is audited twice or skipped. A failing audit is logged and the next one covers its window too; serving is never affected.
/// </summary>
internal sealed class ScheduledAuditService(
    AuditSchedule schedule,
    ActiveDefinitions active,
    RepositoryConfig repository,
    ILogAudit audit,
    FeatureLogMetrics metrics,
    TimeProvider time,
    ILogger<ScheduledAuditService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = repository.LoggingSettings();
        var settle = 2 * settings.FlushInterval;
        var since = time.GetUtcNow() - settle;
        logger.LogInformation("Scheduled audits of the served-feature logs are on ({Schedule}, UTC).", schedule);
        while (schedule.NextAfter(time.GetUtcNow()) is { } next)
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            var until = time.GetUtcNow() - settle;
            if (until <= since)
            {
                continue;
            }
            var failed = false;
            var snapshot = active.Snapshot;
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
                        Since = since,
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
                    failed = true;
                    logger.LogError("Scheduled audit of feature service {Service} failed: {Reason}", service.Name, ex.Message);
                }
            }
            if (!failed)
            {
                since = until;
            }
        }
    }
}
