using FeatureStore.Core.Audit;
using FeatureStore.Core.Logging;
using FeatureStore.Server.Metrics;
using Prometheus;

namespace FeatureStore.Server.Logging;

/// <summary>
/// The served-feature log's Prometheus metrics, in the server's registry: rows written and dropped, and the mismatch
/// rate per feature of the last scheduled audit.
/// </summary>
internal sealed class FeatureLogMetrics : IFeatureLogCounters
{
    private readonly Counter _written;
    private readonly Counter _dropped;
    private readonly Gauge _mismatchRate;
    private readonly Gauge _auditRows;
    private readonly Gauge _lastAudit;

    public FeatureLogMetrics(ServingMetrics metrics)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _written = factory.CreateCounter(
            "featurestore_logged_rows_total", "Served-feature log rows written to complete log files.");
        _dropped = factory.CreateCounter(
            "featurestore_logged_rows_dropped_total",
            "Served-feature log rows dropped: the in-memory queue was full, or their file could not be written.");
        _mismatchRate = factory.CreateGauge(
            "featurestore_audit_mismatch_rate",
            "Share of the rows of the last scheduled audit whose served value differs from the offline recomputation, per feature.",
            new GaugeConfiguration { LabelNames = ["service", "feature"] });
        _auditRows = factory.CreateGauge(
            "featurestore_audit_rows", "Logged rows the last scheduled audit of a feature service checked.",
            new GaugeConfiguration { LabelNames = ["service"] });
        _lastAudit = factory.CreateGauge(
            "featurestore_audit_last_success_timestamp_seconds", "Unix time of the last scheduled audit of a feature service that completed.",
            new GaugeConfiguration { LabelNames = ["service"] });
    }

    public void RowsWritten(long rows) => _written.Inc(rows);

    public void RowsDropped(long rows) => _dropped.Inc(rows);

    public void RecordAudit(AuditReport report, DateTimeOffset completedAt)
    {
        foreach (var feature in report.Features)
        {
            _mismatchRate.WithLabels(report.Service, feature.Feature).Set(feature.MismatchRate);
        }
        _auditRows.WithLabels(report.Service).Set(report.Rows);
        _lastAudit.WithLabels(report.Service).Set(completedAt.ToUnixTimeMilliseconds() / 1000.0);
    }
}
