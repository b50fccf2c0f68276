using FeatureStore.Core.Quality;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Registry;
using Prometheus;

namespace FeatureStore.Server.Quality;

/// <summary>
/// Per-feature quality on <c>GET /metrics</c>, read at each scrape from the runs recorded in the profile store, so
/// runs of any server, worker or command on the repository show up:
/// <c>featurestore_feature_null_fraction</c> and <c>featurestore_feature_drift_psi</c> (view, feature) from the newest
/// run; <c>featurestore_check_failures_total</c> (view, feature, check, severity) counting failed checks of recorded
/// runs, the recorded history included when the server starts; <c>featurestore_view_freshness_seconds</c> (view), the
/// time since the newest event materialized.
/// </summary>
internal sealed class QualityMetrics
{
    private static readonly string[] ViewLabel = ["view"];
    private static readonly string[] FeatureLabels = ["view", "feature"];
    private static readonly string[] CheckLabels = ["view", "feature", "check", "severity"];

    private readonly IProfileStore _profiles;
    private readonly ActiveDefinitions _active;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Gauge _nullFraction;
    private readonly Gauge _driftPsi;
    private readonly Counter _checkFailures;
    private readonly Gauge _freshness;
    private readonly Dictionary<string, DateTimeOffset> _countedUpTo = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public QualityMetrics(ServingMetrics serving, IProfileStore profiles, ActiveDefinitions active, TimeProvider time, ILogger<QualityMetrics> logger)
    {
        _profiles = profiles;
        _active = active;
        _time = time;
        _logger = logger;
        var factory = Prometheus.Metrics.WithCustomRegistry(serving.Registry);
        _nullFraction = factory.CreateGauge(
            "featurestore_feature_null_fraction",
            "Fraction of null values of the feature among the rows the view's newest recorded materialization selected.",
            new GaugeConfiguration { LabelNames = FeatureLabels });
        _driftPsi = factory.CreateGauge(
            "featurestore_feature_drift_psi",
            "Population stability index of the numeric feature against the view's reference, in the newest recorded run that measured drift.",
            new GaugeConfiguration { LabelNames = FeatureLabels });
        _checkFailures = factory.CreateCounter(
            "featurestore_check_failures_total",
            "Failed checks in the recorded materialization runs of the view (feature empty for a check of the whole view).",
            new CounterConfiguration { LabelNames = CheckLabels });
        _freshness = factory.CreateGauge(
            "featurestore_view_freshness_seconds",
            "Seconds since the newest event timestamp the view's recorded materializations wrote.",
            new GaugeConfiguration { LabelNames = ViewLabel });
        serving.Registry.AddBeforeCollectCallback(RefreshAsync);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Two scrapes at once would count the same new runs twice.
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var views = _active.Snapshot.Definitions.FeatureViews.Where(v => v.Online).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _countedUpTo.Keys.Where(v => !views.Contains(v)).ToArray())
            {
                _countedUpTo.Remove(gone);
                _freshness.RemoveLabelled(gone);
                RemoveSeries(_nullFraction, gone, null);
                RemoveSeries(_driftPsi, gone, null);
                RemoveSeries(_checkFailures, gone, null);
            }
            var now = _time.GetUtcNow();
            foreach (var view in views)
            {
                IReadOnlyList<ProfileRun> runs;
                try
                {
                    runs = await _profiles.ListRunsAsync(view, FileProfileStore.DefaultHistoryLimit, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // History, not state: the series keep their last values until it can be read again.
                    _logger.LogDebug("Quality metrics of {View} not refreshed: {Message}", view, ex.Message);
                    continue;
                }
                Refresh(view, runs, now);
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    private void Refresh(string view, IReadOnlyList<ProfileRun> runs, DateTimeOffset now)
    {
        var quality = QualityCatalog.Summarize(view, runs);
        var last = _countedUpTo.TryGetValue(view, out var counted) ? counted : DateTimeOffset.MinValue;
        foreach (var run in runs.Where(r => r.RanAt > last))
        {
            foreach (var failure in run.Checks.Where(c => !c.Passed))
            {
                _checkFailures.WithLabels(view, failure.Feature ?? "", failure.Check, Severity(failure.Severity)).Inc();
            }
        }
        _countedUpTo[view] = runs.Count > 0 ? runs.Max(r => r.RanAt) : last;

        if (quality.LatestProfile is { } profile)
        {
            var features = profile.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            RemoveSeries(_nullFraction, view, features);
            foreach (var feature in profile.Features)
            {
                _nullFraction.WithLabels(view, feature.Name).Set(feature.NullFraction);
            }
        }
        var psi = quality.LatestDrift?.Features.Where(f => f.Method == DriftMethod.Psi && f.Psi is not null).ToArray() ?? [];
        RemoveSeries(_driftPsi, view, psi.Select(f => f.Feature).ToHashSet(StringComparer.Ordinal));
        foreach (var feature in psi)
        {
            _driftPsi.WithLabels(view, feature.Feature).Set(feature.Psi!.Value);
        }
        if (quality.NewestEvent is { } newest)
        {
            _freshness.WithLabels(view).Set(Math.Max(0, (now - newest).TotalSeconds));
        }
        else
        {
            _freshness.RemoveLabelled(view);
        }
    }

    private static string Severity(Core.Definitions.CheckSeverity severity) =>
        severity == Core.Definitions.CheckSeverity.Error ? "error" : "warn";

    /// <summary>Drops the view's series whose feature is not in <paramref name="keep"/> (all of them when null).</summary>
    private static void RemoveSeries<TChild>(Collector<TChild> collector, string view, HashSet<string>? keep)
        where TChild : ChildBase
    {
        foreach (var labels in collector.GetAllLabelValues().Where(l => l[0] == view && (keep is null || !keep.Contains(l[1]))).ToArray())
        {
            collector.RemoveLabelled(labels);
        }
    }
}
