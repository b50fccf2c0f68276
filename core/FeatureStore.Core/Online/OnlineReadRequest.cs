using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Online;

/// <summary>
/// A lookup of features for a batch of entities given as columns: join key name to one value per entity row (all
/// columns the same length). Key values are CLR values of the entity's type: long for int64, int for int32, string,
/// byte[] for bytes. <see cref="ReadTime"/> is the "now" against which TTLs are judged (tests read as of T).
/// </summary>
public sealed record OnlineReadRequest(
    DefinitionSet Definitions,
    IReadOnlyList<FeatureReference> Features,
    IReadOnlyDictionary<string, IReadOnlyList<object?>> EntityColumns,
    DateTimeOffset ReadTime);
