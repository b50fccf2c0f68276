namespace FeatureStore.Core.Online;

/// <summary>
/// One feature of one entity as served. <see cref="Value"/> is null unless <see cref="Status"/> is Present, and is
/// one of: bool, int, long, float, double, string, byte[], DateTimeOffset (UTC), or an array of those for list types.
/// A struct: a 100 x 50 lookup holds 5,000 of them, which as objects were a good share of a request's allocations.
/// </summary>
public readonly record struct OnlineFeatureValue(object? Value, FeatureStatus Status, DateTimeOffset? EventTimestamp);
