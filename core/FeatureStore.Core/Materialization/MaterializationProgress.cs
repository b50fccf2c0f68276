namespace FeatureStore.Core.Materialization;

public enum MaterializationPhase
{
    /// <summary>DuckDB is selecting the latest row per key (no rows written yet).</summary>
    Selecting,

    /// <summary>The selected rows are being kept, profiled and checked (nothing written yet).</summary>
    Checking,

    /// <summary>Rows are streaming to Redis.</summary>
    Writing,

    /// <summary>Every row of the view is confirmed by Redis.</summary>
    Done,
}

/// <summary>
/// A progress report for one view. <see cref="EstimatedRows"/> is known only when totals were estimated (for a
/// progress bar with ETA); it is an estimate of distinct keys, not a promise.
/// </summary>
public sealed record MaterializationProgress(
    string View,
    int ViewIndex,
    int ViewCount,
    MaterializationPhase Phase,
    long RowsWritten,
    long? EstimatedRows,
    TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? RowsWritten / Elapsed.TotalSeconds : 0;
}
