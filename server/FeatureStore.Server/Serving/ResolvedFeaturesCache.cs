using System.Collections.Concurrent;

namespace FeatureStore.Server.Serving;

/// <summary>
/// Successful feature resolutions of one registry version, keyed by the requested list: models ask for the same
/// lists over and over. Bounded, so requests naming ever new lists cannot grow it without limit; failures are never
/// added. Owned by the version's <see cref="Registry.ServingSnapshot"/>.
/// </summary>
internal sealed class ResolvedFeaturesCache
{
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<string, ResolvedFeatures> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ResolvedFeatures? resolved) =>
        _entries.TryGetValue(key, out resolved);

    public void Add(string key, ResolvedFeatures resolved)
    {
        if (_entries.Count < MaxEntries)
        {
            _entries.TryAdd(key, resolved);
        }
    }
}
