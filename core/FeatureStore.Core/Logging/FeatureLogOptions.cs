namespace FeatureStore.Core.Logging;

/// <summary>Where and how <see cref="ServedFeatureLog"/> writes.</summary>
public sealed record FeatureLogOptions
{
    public const int DefaultFlushRows = 10_000;
    public const int DefaultQueueCapacityRows = 100_000;

    /// <summary>The log folder (<c>logging.path</c>); files go to <c>&lt;folder&gt;/&lt;service&gt;/date=YYYY-MM-DD/</c>.</summary>
    public required string Folder { get; init; }

    /// <summary>Rows waiting for a file are written at least this often.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A file is written as soon as this many rows of one kind (schema and day) are waiting.</summary>
    public int FlushRows { get; init; } = DefaultFlushRows;

    /// <summary>
    /// Rows that may wait in memory for the writer; past it, new rows are dropped (and counted) rather than making a
    /// lookup wait or the process grow.
    /// </summary>
    public int QueueCapacityRows { get; init; } = DefaultQueueCapacityRows;
}
