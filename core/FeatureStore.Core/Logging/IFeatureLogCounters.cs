namespace FeatureStore.Core.Logging;

/// <summary>Where <see cref="ServedFeatureLog"/> reports its counts (the server exports them as Prometheus counters).</summary>
public interface IFeatureLogCounters
{
    /// <summary>Rows now in a complete log file.</summary>
    void RowsWritten(long rows);

    /// <summary>Rows given up: the queue was full, the log was closed, or their file could not be written.</summary>
    void RowsDropped(long rows);
}
