using System.Diagnostics;
using Prometheus;

namespace FeatureStore.Server.Metrics;

/// <summary>
/// Prometheus metrics of one server instance, in its own registry so two hosts in one process (tests) never mix
/// their counts. Exposed at <c>GET /metrics</c>.
/// </summary>
public sealed class ServingMetrics
{
    // From 50 µs (a loopback Redis read) to 5 s (a store timeout), dense below 10 ms where the targets are.
    private static readonly double[] LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Histogram _storeReadDuration;
    private readonly Counter _storeReadFailures;
    private readonly Gauge _storeUp;
    private readonly Gauge _registryVersion;

    public ServingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter(
            "featurestore_requests_total", "Feature serving requests by transport, method and status.",
            new CounterConfiguration { LabelNames = ["transport", "method", "status"] });
        _requestDuration = factory.CreateHistogram(
            "featurestore_request_duration_seconds", "Time to answer a feature serving request, by transport, method and status.",
            new HistogramConfiguration { LabelNames = ["transport", "method", "status"], Buckets = LatencyBuckets });
        _storeReadDuration = factory.CreateHistogram(
            "featurestore_online_store_read_seconds", "Round trip of one (pipelined) online store read.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _storeReadFailures = factory.CreateCounter(
            "featurestore_online_store_read_failures_total", "Online store reads that failed or timed out.");
        _storeUp = factory.CreateGauge(
            "featurestore_online_store_up", "1 while the health probe reaches the online store, else 0.");
        _registryVersion = factory.CreateGauge(
            "featurestore_registry_version", "Number of the registry version being served (0 = none applied).");
    }

    public CollectorRegistry Registry { get; }

    public void RecordRequest(string transport, string method, string status, TimeSpan elapsed)
    {
        _requests.WithLabels(transport, method, status).Inc();
        _requestDuration.WithLabels(transport, method, status).Observe(elapsed.TotalSeconds);
    }

    public void RecordStoreRead(TimeSpan elapsed, bool succeeded)
    {
        _storeReadDuration.Observe(elapsed.TotalSeconds);
        if (!succeeded)
        {
            _storeReadFailures.Inc();
        }
    }

    public void SetStoreUp(bool up) => _storeUp.Set(up ? 1 : 0);

    public void SetRegistryVersion(int number) => _registryVersion.Set(number);

    /// <summary>Elapsed time since a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public static TimeSpan Since(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp);
}
