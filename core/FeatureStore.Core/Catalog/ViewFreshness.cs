using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// How current a view's online data is. The age is measured from the watermark (the end of the last fully written
/// window: online values are current up to it), falling back to the last run time; the view is stale when a TTL is
/// set and the age exceeds it, because values older than the TTL read as expired online.
/// </summary>
public sealed record ViewFreshness(ViewMaterializationState State)
{
    /// <summary>The moment the age is measured from: the watermark, else the last run time, else null.</summary>
    public DateTimeOffset? MaterializedUpTo => State.Watermark ?? State.LastRunAt;

    public TimeSpan? AgeAt(DateTimeOffset now) => MaterializedUpTo is { } upTo ? now - upTo : null;

    public bool IsStaleAt(DateTimeOffset now, TimeSpan ttl) =>
        ttl > TimeSpan.Zero && AgeAt(now) is { } age && age > ttl;
}
