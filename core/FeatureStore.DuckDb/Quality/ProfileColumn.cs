using FeatureStore.Core.Definitions;

namespace FeatureStore.DuckDb;

/// <summary>
/// A column of a table to profile: the feature it holds, the view it belongs to (a training set holds several), the
/// quoted SQL column, and whether timestamps in it are µs since the epoch (BIGINT, the online layout) or DuckDB
/// timestamps (training sets).
/// </summary>
internal sealed record ProfileColumn(string View, FeatureDefinition Feature, string ColumnSql, bool TimestampsAsMicros);

/// <summary>A join-key column of the profiled table, for naming example keys of rejected rows; timestamps are µs.</summary>
internal sealed record ProfileKeyColumn(EntityDefinition Entity, string ColumnSql);
