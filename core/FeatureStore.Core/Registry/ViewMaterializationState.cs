namespace FeatureStore.Core.Registry;

/// <summary>
/// Materialization progress of one feature view, persisted with the registry. <see cref="Watermark"/> is the end of
/// the last window whose every write succeeded; incremental runs start there.
/// </summary>
public sealed record ViewMaterializationState(
    string View,
    DateTimeOffset? Watermark,
    DateTimeOffset? LastRunAt,
    DateTimeOffset? LastRunStart,
    DateTimeOffset? LastRunEnd,
    long RowsWritten,
    TimeSpan Duration);
