using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// A validated training-set request turned into SQL fragments: every name checked against the actual files,
/// every identifier quoted, every timestamp normalized to naive UTC. <see cref="TrainingSetSql"/> renders it.
/// </summary>
internal sealed record TrainingSetPlan(
    IReadOnlyList<string> EntityColumns,
    string EntityTimestampSql,
    IReadOnlyList<ViewJoinPlan> Views,
    IReadOnlyList<OutputFeature> Features,
    bool AsOfCreated)
{
    /// <summary>Output column names, entity columns first, then features in request order.</summary>
    public IReadOnlyList<string> OutputColumns => [.. EntityColumns, .. Features.Select(f => f.OutputName)];
}

/// <summary>
/// How one feature view joins: its files, keys (entity side and source side), timestamps. The source's key and event
/// columns also come unquoted, as the files name them, to look them up in the files' statistics.
/// <see cref="EventTimeTies"/>: whether some join key may have two candidate rows at one event time, which only the
/// created timestamp orders; true until <see cref="EventTimeTieCheck"/> proves otherwise.
/// </summary>
internal sealed record ViewJoinPlan(
    FeatureViewDefinition View,
    SourceDefinition Source,
    IReadOnlyList<string> Files,
    IReadOnlyList<KeyJoinPlan> Keys,
    string EventTimestampSql,
    string? CreatedTimestampSql,
    IReadOnlyList<string> KeySourceColumns,
    ColumnInfo EventColumn,
    bool EventTimeTies = true)
{
    /// <summary>Whether the ASOF join's version key needs the created timestamp: there is one, and ties may exist.</summary>
    public bool BreaksTiesOnCreated => CreatedTimestampSql is not null && EventTimeTies;
}

/// <summary>One join key: the entity file's column, the source's column, and the declared type both are cast to.</summary>
internal sealed record KeyJoinPlan(string JoinKey, string EntityColumnSql, string SourceColumnSql, string SqlType);

/// <summary>
/// One requested feature: its position in the request, which view (index into the plan's views), its source column,
/// type and output name.
/// </summary>
internal sealed record OutputFeature(int Position, FeatureReference Reference, int ViewIndex, string SourceColumnSql, string SqlType, string OutputName);
