namespace FeatureStore.Core.Loading;

/// <summary>
/// Where a repository's files are: the folder, its <c>featurestore.yaml</c>, and the definition files below it.
/// Paths in problems are relative to the folder, with forward slashes, so messages read the same on every machine.
/// </summary>
internal static class RepositoryFiles
{
    public const string ConfigFileName = "featurestore.yaml";

    public static string RelativePath(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// Every <c>*.yaml</c>/<c>*.yml</c> below <paramref name="root"/> except <c>featurestore.yaml</c>, skipping hidden
    /// folders (<c>.featurestore</c>, <c>.git</c>) and the registry folder; ordered by relative path.
    /// </summary>
    public static IReadOnlyList<string> FindDefinitionFiles(string root, string? registryPath)
    {
        var files = new List<string>();
        var registry = registryPath is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(registryPath));
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.')
                    || !(name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    || (folder == root && name == ConfigFileName))
                {
                    continue;
                }
                files.Add(file);
            }
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                var name = Path.GetFileName(child);
                if (name.StartsWith('.') || string.Equals(Path.TrimEndingDirectorySeparator(child), registry, StringComparison.Ordinal))
                {
                    continue;
                }
                if (new DirectoryInfo(child).LinkTarget is not null)
                {
                    // Symbolic links could loop; a repository's definitions live in real folders.
                    continue;
                }
                pending.Push(child);
            }
        }
        return files.OrderBy(f => RelativePath(root, f), StringComparer.Ordinal).ToArray();
    }
}
