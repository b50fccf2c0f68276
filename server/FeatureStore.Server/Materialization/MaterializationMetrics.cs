using FeatureStore.Core.Registry;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Registry;
using Prometheus;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Per-view materialization metrics on <c>GET /metrics</c>. The last successful run (its end time, rows written,
/// duration) and the watermark are read from the registry at each scrape, so runs made by any worker, server or
/// command on the repository show up; failures are counted for the runs this server makes (scheduled or requested
/// over HTTP), since a failed run records nothing in the registry.
/// </summary>
internal sealed class MaterializationMetrics
{
    private static readonly string[] ViewLabel = ["view"];

    private readonly IRegistry _registry;
    private readonly ActiveDefinitions _active;
    private readonly ILogger _logger;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _lastRows;
    private readonly Gauge _lastDuration;
    private readonly Gauge _watermark;
    private readonly Counter _failures;
    private readonly HashSet<string> _exported = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public MaterializationMetrics(ServingMetrics serving, IRegistry registry, ActiveDefinitions active, ILogger<MaterializationMetrics> logger)
    {
        _registry = registry;
        _active = active;
        _logger = logger;
        var factory = Prometheus.Metrics.WithCustomRegistry(serving.Registry);
        _lastSuccess = factory.CreateGauge(
            "featurestore_materialization_last_success_timestamp_seconds",
            "Unix time at which the last successful materialization of the view finished.",
            new GaugeConfiguration { LabelNames = ViewLabel });
        _lastRows = factory.CreateGauge(
            "featurestore_materialization_last_rows_written",
            "Rows (latest per key) the last successful materialization of the view wrote to the online store.",
            new GaugeConfiguration { LabelNames = ViewLabel });
        _lastDuration = factory.CreateGauge(
            "featurestore_materialization_last_duration_seconds",
            "Duration of the last successful materialization of the view.",
            new GaugeConfiguration { LabelNames = ViewLabel });
        _watermark = factory.CreateGauge(
            "featurestore_materialization_watermark_timestamp_seconds",
            "Unix time up to which the view's online data is materialized.",
            new GaugeConfiguration { LabelNames = ViewLabel });
        _failures = factory.CreateCounter(
            "featurestore_materialization_failures_total",
            "Materialization runs of the view by this server (scheduled or requested) that failed after they started writing.",
            new CounterConfiguration { LabelNames = ViewLabel });
        serving.Registry.AddBeforeCollectCallback(RefreshAsync);
    }

    public void RecordFailure(string view) => _failures.WithLabels(view).Inc();

    /// <summary>Sets the per-view gauges from the registry for the online views being served.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ViewMaterializationState> states;
        try
        {
            states = await _registry.GetMaterializationStateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The registry health check reports an unreadable registry; the gauges keep their last values.
            _logger.LogDebug("Materialization metrics not refreshed: {Message}", ex.Message);
            return;
        }
        var byView = states.ToDictionary(s => s.View, StringComparer.Ordinal);
        var views = _active.Snapshot.Definitions.FeatureViews.Where(v => v.Online).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var gone in _exported.Where(v => !views.Contains(v)).ToArray())
            {
                _lastSuccess.RemoveLabelled(gone);
                _lastRows.RemoveLabelled(gone);
                _lastDuration.RemoveLabelled(gone);
                _watermark.RemoveLabelled(gone);
                _failures.RemoveLabelled(gone);
                _exported.Remove(gone);
            }
            foreach (var view in views)
            {
                _exported.Add(view);
                // Present from the start, so a rate over it sees the first failure.
                _failures.WithLabels(view);
                if (!byView.TryGetValue(view, out var state))
                {
                    continue;
                }
                if (state.LastRunAt is { } ranAt)
                {
                    _lastSuccess.WithLabels(view).Set((ranAt + state.Duration).ToUnixTimeMilliseconds() / 1000.0);
                    _lastRows.WithLabels(view).Set(state.RowsWritten);
                    _lastDuration.WithLabels(view).Set(state.Duration.TotalSeconds);
                }
                if (state.Watermark is { } watermark)
                {
                    _watermark.WithLabels(view).Set(watermark.ToUnixTimeMilliseconds() / 1000.0);
                }
            }
        }
    }
}
