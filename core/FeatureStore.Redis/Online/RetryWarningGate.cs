using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
namespace FeatureStore.Redis;

/// <summary>
/// Lets one retry warning through per interval for a group of calls that fail together (a pipelined writer has
/// hundreds in flight when Redis goes away) and counts the others, so an outage reads as a few lines that say how
/// many calls were affected rather than hundreds of identical ones. Thread-safe.
/// </summary>
internal sealed class RetryWarningGate(TimeSpan interval, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private long _lastWarning = long.MinValue;
    private int _suppressed;

    /// <summary>True when this failure should be logged as a warning; <paramref name="suppressed"/> is how many were not since the last one.</summary>
    public bool TryEnter(out int suppressed)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_lastWarning != long.MinValue && _time.GetElapsedTime(_lastWarning, now) < interval)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }
            _lastWarning = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
