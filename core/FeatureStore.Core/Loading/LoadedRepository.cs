using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>A feature repository read from disk and fully validated: its settings and its definitions.</summary>
public sealed record LoadedRepository(RepositoryConfig Config, DefinitionSet Definitions);
