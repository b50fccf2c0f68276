namespace FeatureStore.Core.Registry;

/// <summary>The registry's <c>materialization.json</c>: one state per view materialized at least once, by view name.</summary>
internal sealed record MaterializationDocument(int Format, IReadOnlyList<ViewMaterializationState> Views)
{
    public const int CurrentFormat = 1;
}
