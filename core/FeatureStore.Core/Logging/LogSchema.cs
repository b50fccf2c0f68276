using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Logging;

/// <summary>
/// The shape of the log rows of one kind of request: the folder they go to (the feature service, or
/// <see cref="AdHocFolder"/>), the join keys (sorted by name) and the features (request order, each once) with their
/// declared types. Requests of equal <see cref="Signature"/> share files.
/// </summary>
public sealed class LogSchema
{
    /// <summary>
    /// The folder of requests that named features directly; a hyphen is not allowed in a service name, so no service
    /// can share it.
    /// </summary>
    public const string AdHocFolder = "ad-hoc";

    private LogSchema(string? service, IReadOnlyList<LogKey> keys, IReadOnlyList<LogFeature> features)
    {
        Service = service;
        Keys = keys;
        Features = features;
        Signature = string.Join('\u001f',
            new[] { Folder }.Concat(keys.Select(k => $"{k.JoinKey}:{k.Type}")).Concat(features.Select(f => $"{f.Reference}:{f.Type}")));
    }

    /// <summary>The feature service, or null for a request that named features directly.</summary>
    public string? Service { get; }

    public string Folder => Service ?? AdHocFolder;

    public IReadOnlyList<LogKey> Keys { get; }

    public IReadOnlyList<LogFeature> Features { get; }

    /// <summary>Equal for requests whose rows can share a file (same folder, keys, features and types).</summary>
    public string Signature { get; }

    /// <summary>
    /// The schema of requests for <paramref name="features"/> (as resolved, duplicates allowed) of
    /// <paramref name="service"/> (null: named directly). <see cref="LogFeature.ResultIndex"/> points at each feature's
    /// first column in the read result.
    /// </summary>
    public static LogSchema For(DefinitionSet definitions, string? service, IReadOnlyList<FeatureReference> features)
    {
        var logged = new List<LogFeature>();
        var seen = new HashSet<FeatureReference>();
        var keys = new SortedDictionary<string, LogKey>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            var reference = features[i];
            if (!seen.Add(reference))
            {
                continue;
            }
            var view = definitions.GetFeatureView(reference.View);
            var feature = view.FindFeature(reference.Feature)
                ?? throw new Errors.NotFoundException($"Feature view '{view.Name}' has no feature '{reference.Feature}'.");
            logged.Add(new LogFeature(reference, feature.Type, i));
            foreach (var entity in definitions.EntitiesOf(view))
            {
                keys.TryAdd(entity.JoinKey, new LogKey(entity.JoinKey, entity.ValueType));
            }
        }
        return new LogSchema(service, keys.Values.ToArray(), logged);
    }
}

/// <summary>A join-key column of a log.</summary>
public sealed record LogKey(string JoinKey, FeatureType Type);

/// <summary>A logged feature: its reference, declared type, and the index of its column in the read result.</summary>
public sealed record LogFeature(FeatureReference Reference, FeatureType Type, int ResultIndex);
