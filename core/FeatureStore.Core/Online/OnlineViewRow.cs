namespace FeatureStore.Core.Online;

/// <summary>
/// One entity's stored value of a view, as <see cref="IOnlineStore.ScanViewAsync"/> finds it: the version
/// (µs since the epoch; <see cref="PointInTime.RowVersion.MissingCreated"/> without a created timestamp) and the
/// feature values in view order, typed as <see cref="OnlineFeatureValue.Value"/> (null for a null).
/// </summary>
public sealed record OnlineViewRow(long EventMicros, long CreatedMicros, IReadOnlyList<object?> Values);
