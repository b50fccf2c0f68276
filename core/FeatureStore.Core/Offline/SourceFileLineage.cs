namespace FeatureStore.Core.Offline;

/// <summary>One Parquet file a training set read, as it was when read: enough to notice it changed since.</summary>
public sealed record SourceFileLineage(string Source, string Path, long SizeBytes, DateTimeOffset ModifiedAt);
