using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads a feature repository folder: <c>featurestore.yaml</c> plus every other <c>*.yaml</c>/<c>*.yml</c> below it
/// (hidden folders and the registry folder excepted). Every problem is collected and reported at once, each with the
/// file (relative to the folder), line and column, so one run shows everything to fix.
/// </summary>
public static class RepositoryLoader
{
    /// <summary>
    /// Reads only <c>featurestore.yaml</c> (for verbs that work from the applied registry, not the YAML).
    /// Applies <c>${NAME:-default}</c> expansion, then environment overrides, then <paramref name="overrides"/>.
    /// </summary>
    /// <exception cref="NotFoundException">The folder or its featurestore.yaml does not exist.</exception>
    /// <exception cref="DefinitionValidationException">featurestore.yaml has problems.</exception>
    public static RepositoryConfig LoadConfig(string repositoryFolder, ConfigOverrides? overrides = null) =>
        LoadConfig(repositoryFolder, overrides, Environment.GetEnvironmentVariable);

    /// <summary>
    /// Reads and validates everything, reporting every problem at once as a
    /// <see cref="Errors.DefinitionValidationException"/>; nothing is returned unless all of it is valid.
    /// </summary>
    public static Task<LoadedRepository> LoadAsync(
        string repositoryFolder, ConfigOverrides? overrides = null, CancellationToken cancellationToken = default) =>
        LoadAsync(repositoryFolder, overrides, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary><see cref="LoadConfig(string, ConfigOverrides?)"/> with the environment given explicitly (tests).</summary>
    internal static RepositoryConfig LoadConfig(string repositoryFolder, ConfigOverrides? overrides, Func<string, string?> environment)
    {
        var root = ConfigReader.ResolveRoot(repositoryFolder);
        var problems = new ProblemList();
        // The file is small and this is called from synchronous code paths; no synchronization context is captured.
        var config = ConfigReader.ReadAsync(root, overrides ?? ConfigOverrides.None, environment, problems, CancellationToken.None)
            .GetAwaiter().GetResult();
        problems.ThrowIfAny();
        return config!;
    }

    /// <summary><see cref="LoadAsync(string, ConfigOverrides?, CancellationToken)"/> with the environment given explicitly (tests).</summary>
    internal static async Task<LoadedRepository> LoadAsync(
        string repositoryFolder, ConfigOverrides? overrides, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var root = ConfigReader.ResolveRoot(repositoryFolder);
        var problems = new ProblemList();
        var config = await ConfigReader.ReadAsync(root, overrides ?? ConfigOverrides.None, environment, problems, cancellationToken);

        var drafts = new DraftSet();
        var registry = config?.RegistryPath ?? Path.Combine(root, ConfigReader.DefaultRegistry);
        foreach (var file in RepositoryFiles.FindDefinitionFiles(root, registry))
        {
            var relative = RepositoryFiles.RelativePath(root, file);
            var documents = await YamlDocumentReader.ReadAsync(file, relative, problems, cancellationToken);
            var parser = new DefinitionParser(new YamlNodeReader(relative, problems, environment));
            foreach (var document in documents)
            {
                parser.Parse(document, drafts);
            }
        }
        DefinitionValidator.Validate(drafts, problems);
        await ParquetSchemaChecker.CheckAsync(root, drafts, problems, cancellationToken);

        problems.ThrowIfAny();
        return new LoadedRepository(config!, DefinitionSetBuilder.Build(config!.Project, drafts));
    }
}
