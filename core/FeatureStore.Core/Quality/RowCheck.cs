namespace FeatureStore.Core.Quality;

/// <summary>The checks that judge single rows, so the offline engine counts the rows each rejects.</summary>
public enum RowCheckKind
{
    /// <summary>Rejects a null value.</summary>
    NotNull,

    /// <summary>Rejects a value below <see cref="RowCheck.Bound"/>, and NaN.</summary>
    Min,

    /// <summary>Rejects a value above <see cref="RowCheck.Bound"/>, and NaN.</summary>
    Max,

    /// <summary>Rejects a non-null value not among <see cref="RowCheck.Allowed"/> (integers compare as numbers).</summary>
    AllowedValues,
}

/// <summary>
/// One row-level check of one feature, handed to the offline engine, which counts the rows it rejects in the same
/// pass as the profile (<see cref="Offline.ILatestRowScan.ProfileAsync"/>) and finds a few of their keys.
/// </summary>
public sealed record RowCheck(string Feature, RowCheckKind Kind, double? Bound = null, IReadOnlyList<string>? Allowed = null)
{
    /// <summary>The check's name as written in YAML.</summary>
    public string Name => Kind switch
    {
        RowCheckKind.NotNull => "not_null",
        RowCheckKind.Min => "min",
        RowCheckKind.Max => "max",
        _ => "allowed_values",
    };
}

/// <summary>
/// How many rows a <see cref="RowCheck"/> rejected, with up to <see cref="MaxExamples"/> of their entity keys, each
/// written <c>join_key=value</c> (several keys joined by <c>, </c>).
/// </summary>
public sealed record RowCheckCount(RowCheck Check, long Rows, IReadOnlyList<string> ExampleKeys)
{
    public const int MaxExamples = 5;
}

/// <summary>
/// A profile together with what its row checks counted. <see cref="SelectionTime"/> is the time the offline engine
/// spent selecting the rows, <see cref="ProfileTime"/> the time profiling and counting them (zero when unknown).
/// </summary>
public sealed record SelectionProfile(FeatureViewProfile Profile, IReadOnlyList<RowCheckCount> Checks)
{
    public TimeSpan SelectionTime { get; init; }

    public TimeSpan ProfileTime { get; init; }
}
