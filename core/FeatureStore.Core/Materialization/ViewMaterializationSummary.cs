namespace FeatureStore.Core.Materialization;

/// <summary>
/// What one run did for one view: the window, the rows selected (latest per key) and sent, how many of them changed
/// Redis (the rest were identical to or older than what Redis held), the time it took, and the watermark recorded afterwards.
/// <see cref="SelectionTime"/> is the part of <see cref="Duration"/> before DuckDB produced the first row (the
/// latest-per-key aggregation, during which nothing can be written), so a slow run shows whether DuckDB or Redis held it up.
/// <see cref="SkippedReason"/> is set when the view needed no work (incremental run already past the end).
/// With quality checks, <see cref="Duration"/> includes selecting, profiling and checking the rows.
/// </summary>
public sealed record ViewMaterializationSummary(
    string View,
    DateTimeOffset? Start,
    DateTimeOffset End,
    long RowsSelected,
    long RowsWritten,
    TimeSpan Duration,
    DateTimeOffset? Watermark,
    string? SkippedReason = null,
    TimeSpan SelectionTime = default)
{
    /// <summary>An error check failed: nothing of the view was written and its watermark stayed.</summary>
    public bool Blocked { get; init; }

    /// <summary>Every check's result (empty when the run did not check, or the view has no checks).</summary>
    public IReadOnlyList<Quality.CheckResult> Checks { get; init; } = [];

    /// <summary>Time spent profiling and checking the selected rows (part of <see cref="Duration"/>).</summary>
    public TimeSpan ProfileTime { get; init; }

    public double RowsPerSecond => Duration > TimeSpan.Zero ? RowsSelected / Duration.TotalSeconds : 0;
}
