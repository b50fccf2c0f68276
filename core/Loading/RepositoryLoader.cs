using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads a feature repository folder: <c>featurestore.yaml</c> plus every other <c>*.yaml</c> below it.
/// (Placeholder signatures pinned for parallel work; the loader implementation replaces the bodies.)
/// </summary>
public static class RepositoryLoader
{
    /// <summary>
    /// Reads only <c>featurestore.yaml</c> (for verbs that work from the applied registry, not the YAML).
    /// Applies <c>${NAME:-default}</c> expansion, then environment overrides, then <paramref name="overrides"/>.
    /// </summary>
    public static RepositoryConfig LoadConfig(string repositoryFolder, ConfigOverrides? overrides = null) =>
        throw new NotImplementedException();

    /// <summary>
    /// Reads and validates everything, reporting every problem at once as a
    /// <see cref="Errors.DefinitionValidationException"/>; nothing is returned unless all of it is valid.
    /// </summary>
    public static Task<LoadedRepository> LoadAsync(
        string repositoryFolder, ConfigOverrides? overrides = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
