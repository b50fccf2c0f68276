using FeatureStore.Core.Online;

namespace FeatureStore.Core.Logging;

/// <summary>
/// One served request as it is logged: it becomes <see cref="RowCount"/> log rows, one per entity, all carrying the
/// request id, the request time (µs since the Unix epoch, UTC) and the registry version served. The key values and
/// the feature columns are the answer's own (read-only once served), so queuing a request copies nothing.
/// </summary>
/// <param name="Schema">The columns of the rows.</param>
/// <param name="RequestId">Returned to the caller (<c>x-request-id</c>, gRPC trailer <c>request-id</c>).</param>
/// <param name="RequestTimeMicros">The time the values were read as of.</param>
/// <param name="RegistryVersion">The registry version the request was served from (0: none).</param>
/// <param name="KeyValues">Per <see cref="LogSchema.Keys"/> entry, one value per row (the entity's CLR type).</param>
/// <param name="Columns">The read result's columns; <see cref="LogFeature.ResultIndex"/> picks each feature's.</param>
/// <param name="RowCount">Entities in the request.</param>
public sealed record LoggedRequest(
    LogSchema Schema,
    string RequestId,
    long RequestTimeMicros,
    int RegistryVersion,
    IReadOnlyList<IReadOnlyList<object?>> KeyValues,
    IReadOnlyList<FeatureColumn> Columns,
    int RowCount)
{
    /// <summary>The column holding feature <paramref name="index"/> of <see cref="Schema"/>.</summary>
    public FeatureColumn ColumnOf(int index) => Columns[Schema.Features[index].ResultIndex];
}
