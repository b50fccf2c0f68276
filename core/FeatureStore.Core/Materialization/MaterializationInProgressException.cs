using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// Another materialization holds the lock of a view: this run refused to start (nothing was written). Run again
/// later, or with <c>--wait</c>. The lock expires by itself if its holder died.
/// </summary>
public sealed class MaterializationInProgressException(string view, TimeSpan? remaining)
    : UserInputException(
        $"Feature view '{view}' is being materialized by another run" +
        (remaining is { } r ? $" (its lock expires in {Math.Ceiling(r.TotalSeconds):0} s unless renewed)" : "") +
        "; nothing was written. Retry later (the command line's --wait waits for it).")
{
    public string View { get; } = view;
}
