using FeatureStore.Core.Definitions;

namespace FeatureStore.Server.Serving;

/// <summary>
/// The checked features of a request and the join keys they need (join key → entity and the first view keyed by
/// it), with the output column names built once rather than per request.
/// </summary>
internal sealed record ResolvedFeatures(
    IReadOnlyList<FeatureReference> Features, Dictionary<string, (EntityDefinition Entity, string View)> RequiredKeys)
{
    private readonly string[] _shortNames = Features.Select(f => f.ColumnName(false)).ToArray();
    private readonly string[] _fullNames = Features.Select(f => f.ColumnName(true)).ToArray();

    public string[] ColumnNames(bool fullFeatureNames) => fullFeatureNames ? _fullNames : _shortNames;
}
