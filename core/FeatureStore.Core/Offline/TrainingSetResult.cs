namespace FeatureStore.Core.Offline;

/// <summary>
/// A written training set: where, its shape, how long it took, and the lineage and per-view profiles stored in the file.
/// </summary>
public sealed record TrainingSetResult(
    string OutputPath,
    long RowCount,
    IReadOnlyList<string> Columns,
    TimeSpan Elapsed,
    TrainingSetLineage Lineage)
{
    /// <summary>The profile of each view's features over the file's rows, in the order the views first appear.</summary>
    public IReadOnlyList<Quality.FeatureViewProfile> Profiles { get; init; } = [];
}
