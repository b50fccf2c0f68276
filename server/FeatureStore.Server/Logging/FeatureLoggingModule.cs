using FeatureStore.Core.Audit;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using FeatureStore.DuckDb;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FeatureStore.Server.Logging;

/// <summary>
/// Served-feature logging: the sampled answers of logged feature services (and, with <c>logging.log_ad_hoc</c>,
/// of requests naming features) go through a bounded queue to a background writer of Parquet files under
/// <c>logging.path</c>; <c>featurestore_logged_rows_total</c> and <c>featurestore_logged_rows_dropped_total</c> count
/// them. With <c>--audit-on-schedule</c>, the logs are audited on that schedule and the mismatch rates exported.
/// </summary>
internal sealed class FeatureLoggingModule : IServerModule
{
    public void AddServices(IServiceCollection services, ServerOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<FeatureLogMetrics>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<RepositoryConfig>().LoggingSettings();
            return new ServedFeatureLog(
                new ParquetLogFileWriter(),
                new FeatureLogOptions { Folder = settings.Path, FlushInterval = settings.FlushInterval },
                sp.GetRequiredService<FeatureLogMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<ServedFeatureLog>());
        });
        services.AddSingleton(sp => new ServedFeatureLogger(
            sp.GetRequiredService<ServedFeatureLog>(), sp.GetRequiredService<RepositoryConfig>().LoggingSettings()));
        services.AddHostedService<FeatureLogWriterService>();

        if (options.AuditOnSchedule is { } text && AuditSchedule.TryParse(text, out var schedule, out _))
        {
            // One DuckDB thread and a modest memory limit: the audit runs beside serving, on the same cores.
            services.AddSingleton<ILogAudit>(sp => new DuckDbLogAudit(
                new OfflineStoreOptions { Threads = 1, MemoryLimit = "1GB" }, sp.GetRequiredService<ILogger<DuckDbLogAudit>>()));
            services.AddHostedService(sp => new ScheduledAuditService(
                schedule,
                sp.GetRequiredService<ActiveDefinitions>(),
                sp.GetRequiredService<RepositoryConfig>(),
                sp.GetRequiredService<ILogAudit>(),
                sp.GetRequiredService<FeatureLogMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ScheduledAuditService>>()));
        }
    }

    public void Map(WebApplication app)
    {
    }
}
