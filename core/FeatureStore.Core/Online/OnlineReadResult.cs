using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Online;

/// <summary>
/// The answer to an <see cref="OnlineReadRequest"/>: per requested feature (request order) one column with one value
/// per entity row (request order), typed (see <see cref="FeatureColumn"/>).
/// </summary>
public sealed record OnlineReadResult(
    IReadOnlyList<FeatureReference> Features,
    IReadOnlyList<FeatureColumn> Columns);
