using FeatureStore.Core.Online;
using FeatureStore.Redis;

namespace FeatureStore.Tests.Online;

public sealed class RetryWarningGateTests
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualTime : TimeProvider
    {
        public long Ticks { get; set; } = 1_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void One_warning_per_interval_and_the_next_one_counts_those_held_back()
    {
        var time = new ManualTime();
        var gate = new RetryWarningGate(TimeSpan.FromSeconds(1), time);

        Assert.True(gate.TryEnter(out var first));
        Assert.Equal(0, first);
        for (var i = 0; i < 5; i++)
        {
            time.Ticks += TimeSpan.TicksPerMillisecond * 100;
            Assert.False(gate.TryEnter(out _));
        }

        time.Ticks += TimeSpan.TicksPerSecond;
        Assert.True(gate.TryEnter(out var held));
        Assert.Equal(5, held);
        Assert.False(gate.TryEnter(out _));
    }
}
