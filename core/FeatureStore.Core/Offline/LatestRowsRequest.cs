using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Offline;

/// <summary>
/// The latest row per entity key of one view among source rows with <c>Start &lt;= event &lt;= End</c> (no lower
/// bound when <see cref="Start"/> is null): the value as of <see cref="End"/> by <see cref="PointInTime.LatestValueRule"/>.
/// </summary>
public sealed record LatestRowsRequest(
    DefinitionSet Definitions, FeatureViewDefinition View, string RepositoryRoot, DateTimeOffset? Start, DateTimeOffset End);
