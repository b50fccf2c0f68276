namespace FeatureStore.Core.Online;

/// <summary>
/// One feature of one entity as served. <see cref="Value"/> is null unless <see cref="Status"/> is Present, and is
/// one of: bool, int, long, float, double, string, byte[], DateTimeOffset (UTC), or an array of those for list types.
/// </summary>
public sealed record OnlineFeatureValue(object? Value, FeatureStatus Status, DateTimeOffset? EventTimestamp);
