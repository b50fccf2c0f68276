using FeatureStore.Core.Online;

namespace FeatureStore.Server.Serving;

/// <summary>
/// The answer to a <see cref="ServingRequest"/>, ready for a transport to write: column names (join keys first, then
/// features), the join key columns converted to their entity types, and one column per feature from the store.
/// </summary>
public sealed record ServingResult(
    IReadOnlyList<string> Names,
    IReadOnlyList<EntityColumn> KeyColumns,
    OnlineReadResult Features,
    int RowCount)
{
    /// <summary>The feature service the request named; null when it named features directly.</summary>
    public string? FeatureService { get; init; }

    /// <summary>The registry version the answer was read from (for served-feature logging).</summary>
    public Registry.ServingSnapshot? Snapshot { get; init; }

    /// <summary>The time the values were read as of.</summary>
    public DateTimeOffset ReadTime { get; init; }
}
