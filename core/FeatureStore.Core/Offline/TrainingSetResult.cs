namespace FeatureStore.Core.Offline;

/// <summary>A written training set: where, its shape, how long it took, and the lineage stored in the file.</summary>
public sealed record TrainingSetResult(
    string OutputPath,
    long RowCount,
    IReadOnlyList<string> Columns,
    TimeSpan Elapsed,
    TrainingSetLineage Lineage);
