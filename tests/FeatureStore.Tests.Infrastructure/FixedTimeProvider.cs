namespace FeatureStore.Tests.Infrastructure;

/// <summary>A clock that stands still at a chosen instant (settable), for code that takes a <see cref="TimeProvider"/>.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
