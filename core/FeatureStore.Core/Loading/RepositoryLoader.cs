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
    /// Sources are checked against their files through <paramref name="sourceSchemas"/> (the offline engine's reader).
    /// </summary>
    public static Task<LoadedRepository> LoadAsync(
        string repositoryFolder, ISourceSchemaReader sourceSchemas, ConfigOverrides? overrides = null, CancellationToken cancellationToken = default) =>
        LoadAsync(repositoryFolder, sourceSchemas, overrides, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary><see cref="LoadConfig(string, ConfigOverrides?)"/> with the environment given explicitly (tests).</summary>
    internal static RepositoryConfig LoadConfig(string repositoryFolder, ConfigOverrides? overrides, Func<string, string?> environment)
    {
        var root = ConfigReader.ResolveRoot(repositoryFolder);
        var problems = new ProblemList();
        var config = ConfigReader.Read(root, ReadConfigText(root), overrides ?? ConfigOverrides.None, environment, problems);
        problems.ThrowIfAny();
        return config!;
    }

    /// <summary><see cref="LoadAsync(string, ISourceSchemaReader, ConfigOverrides?, CancellationToken)"/> with the environment given explicitly (tests).</summary>
    internal static async Task<LoadedRepository> LoadAsync(
        string repositoryFolder, ISourceSchemaReader sourceSchemas, ConfigOverrides? overrides, Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var root = ConfigReader.ResolveRoot(repositoryFolder);
        var problems = new ProblemList();
        var (text, readError) = await ReadTextAsync(ConfigReader.ConfigPath(root), cancellationToken);
        if (readError is not null)
        {
            throw new UserInputException($"Cannot read {ConfigReader.ConfigPath(root)}: {readError}");
        }
        var config = ConfigReader.Read(root, text!, overrides ?? ConfigOverrides.None, environment, problems);

        var drafts = new DraftSet();
        var registry = config?.RegistryPath ?? Path.Combine(root, ConfigReader.DefaultRegistry);
        var files = RepositoryFiles.FindDefinitionFiles(root, registry);
        // Files are parsed concurrently, each into its own drafts and problems, then merged in path order so objects
        // and problems come out the same every run.
        var parsed = new (DraftSet Drafts, ProblemList Problems)[files.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, files.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, token) => parsed[i] = await ParseFileAsync(root, files[i], environment, token));
        foreach (var (fileDrafts, fileProblems) in parsed)
        {
            drafts.Add(fileDrafts);
            problems.Add(fileProblems);
        }
        DefinitionValidator.Validate(drafts, problems);
        await new SourceSchemaChecker(sourceSchemas).CheckAsync(root, drafts, problems, cancellationToken);

        problems.ThrowIfAny();
        return new LoadedRepository(config!, DefinitionSetBuilder.Build(config!.Project, drafts, config.MaterializationSchedule));
    }

    private static async Task<(DraftSet, ProblemList)> ParseFileAsync(
        string root, string file, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var relative = RepositoryFiles.RelativePath(root, file);
        var drafts = new DraftSet();
        var problems = new ProblemList();
        var (text, error) = await ReadTextAsync(file, cancellationToken);
        if (error is not null)
        {
            problems.Add(new SourceLocation(relative, 1, 1), $"cannot read the file: {error}");
            return (drafts, problems);
        }
        var parser = new DefinitionParser(new YamlNodeReader(relative, problems, environment));
        foreach (var document in YamlDocumentReader.Parse(text!, relative, problems))
        {
            parser.Parse(document, drafts);
        }
        return (drafts, problems);
    }

    private static string ReadConfigText(string root)
    {
        try
        {
            return File.ReadAllText(ConfigReader.ConfigPath(root));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"Cannot read {ConfigReader.ConfigPath(root)}: {ex.Message}", ex);
        }
    }

    private static async Task<(string? Text, string? Error)> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(path, cancellationToken), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }
}
