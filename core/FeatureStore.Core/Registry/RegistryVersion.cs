using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// One applied state of the definitions. Versions are numbered from 1 and never rewritten; the content hash is
/// over the canonical JSON of <see cref="Definitions"/>, so identical definitions always hash the same.
/// </summary>
public sealed record RegistryVersion(
    int Number,
    DateTimeOffset AppliedAt,
    string Hash,
    DefinitionSet Definitions,
    RegistryDiff Diff);
