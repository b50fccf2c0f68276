namespace FeatureStore.Core.Quality;

/// <summary>
/// What one set of a view's rows looks like, feature by feature: the rows a materialization selected, the latest row
/// per key of a window, the values online, or a training set's columns. <see cref="Subject"/> says which, in the
/// spelling of <see cref="ProfileReference"/> where there is one. Computed by the offline engine
/// (<see cref="IFeatureProfiler"/>); stored by <see cref="IProfileStore"/> and in training sets as JSON (<see cref="ProfileJson"/>).
/// </summary>
public sealed record FeatureViewProfile
{
    public required string View { get; init; }

    public required string Subject { get; init; }

    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>Rows profiled: one per entity key for a window, online or a materialization; one per entity row for a training set.</summary>
    public required long RowCount { get; init; }

    /// <summary>
    /// The latest event timestamp among the rows (null for a training set, or no rows): how fresh the profiled data is.
    /// </summary>
    public DateTimeOffset? NewestEvent { get; init; }

    /// <summary>In the view's feature order (a training set's profile holds only the features it has).</summary>
    public required IReadOnlyList<FeatureProfile> Features { get; init; }

    public FeatureProfile? Find(string feature) => Features.FirstOrDefault(f => f.Name == feature);
}
