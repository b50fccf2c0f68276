using System.Collections.Concurrent;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;

namespace FeatureStore.Redis;

/// <summary>
/// What a store derives from one applied definition set and reuses for every request against it: each view's codec
/// and key builder, and the read shape of each feature list. Owned by one <see cref="RedisOnlineStore"/>; a request
/// with another definition set (a newly applied registry version) starts a fresh entry, so nothing derived from an
/// old version is ever used with a new one.
/// </summary>
internal sealed class ReadPlanCache
{
    private Entry? _current;

    public Entry For(DefinitionSet definitions)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Definitions, definitions))
        {
            return current;
        }
        var fresh = new Entry(definitions);
        Volatile.Write(ref _current, fresh);
        return fresh;
    }

    /// <summary>The caches of one definition set.</summary>
    internal sealed class Entry(DefinitionSet definitions)
    {
        private readonly ConcurrentDictionary<string, FeatureValueCodec> _codecs = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, EntitySetKeys> _keys = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<FeatureList, OnlineReadPlan.Shape> _shapes = new();

        public DefinitionSet Definitions { get; } = definitions;

        public FeatureValueCodec Codec(FeatureViewDefinition view) =>
            _codecs.GetOrAdd(view.Name, static (_, v) => new FeatureValueCodec(v.Features), view);

        public EntitySetKeys Keys(FeatureViewDefinition view) =>
            _keys.GetOrAdd(view.Name, static (_, state) => new OnlineKeyLayout(state.Definitions.Project).ForView(state.Definitions, state.view), (Definitions, view));

        /// <summary>The shape of a feature list, keyed by its contents (a caller may reuse a list object with other contents).</summary>
        public OnlineReadPlan.Shape Shape(IReadOnlyList<FeatureReference> features, Func<IReadOnlyList<FeatureReference>, OnlineReadPlan.Shape> build)
        {
            var key = new FeatureList(features);
            if (_shapes.TryGetValue(key, out var shape))
            {
                return shape;
            }
            shape = build(features);
            // The key must not alias the caller's list, which it may change later.
            _shapes.TryAdd(new FeatureList(features.ToArray()), shape);
            return shape;
        }
    }

    /// <summary>A feature list compared by contents.</summary>
    private readonly struct FeatureList(IReadOnlyList<FeatureReference> features) : IEquatable<FeatureList>
    {
        private readonly IReadOnlyList<FeatureReference> _features = features;

        public bool Equals(FeatureList other)
        {
            if (ReferenceEquals(_features, other._features))
            {
                return true;
            }
            if (_features.Count != other._features.Count)
            {
                return false;
            }
            for (var i = 0; i < _features.Count; i++)
            {
                if (!_features[i].Equals(other._features[i]))
                {
                    return false;
                }
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is FeatureList other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            for (var i = 0; i < _features.Count; i++)
            {
                hash.Add(_features[i]);
            }
            return hash.ToHashCode();
        }
    }
}
