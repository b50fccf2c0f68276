using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;

namespace FeatureStore.DuckDb;

/// <summary>
/// Refuses a training-set output that would replace data the repository reads or keeps: a source file, anything in a
/// folder a source reads (for a glob, the folder it starts from), the registry, or the entity file, and an output
/// path that is a folder. Checked before anything is written.
/// </summary>
internal static class TrainingSetOutputGuard
{
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static void Check(TrainingSetRequest request, string outputPath, string entityPath)
    {
        if (Directory.Exists(outputPath))
        {
            throw new UserInputException($"The output path '{outputPath}' is a folder; give a file path such as '{Path.Combine(outputPath, "training.parquet")}'.");
        }
        if (string.Equals(entityPath, outputPath, PathComparison))
        {
            throw new UserInputException($"The output path '{outputPath}' is the entity file itself; choose another.");
        }
        foreach (var source in request.Definitions.Sources.Where(s => !s.IsPush))
        {
            var read = source.ResolvePath(request.RepositoryRoot);
            var folder = ReadFolder(read);
            if (string.Equals(read, outputPath, PathComparison) || (folder is not null && IsInside(outputPath, folder)))
            {
                throw new UserInputException(
                    $"The output path '{outputPath}' is {(folder is null ? "the file" : "inside the folder")} that source '{source.Name}' reads " +
                    $"({read}); writing there would replace or add to its data. Choose a path outside the sources.");
            }
        }
        foreach (var folder in request.ProtectedFolders)
        {
            var full = Path.GetFullPath(folder);
            if (string.Equals(full, outputPath, PathComparison) || IsInside(outputPath, full))
            {
                throw new UserInputException($"The output path '{outputPath}' is inside '{full}', which the feature store keeps; choose another.");
            }
        }
    }

    /// <summary>The folder a resolved source path reads from: the part before the first wildcard; null for one plain file.</summary>
    private static string? ReadFolder(string resolved)
    {
        var wildcard = resolved.IndexOfAny(['*', '?', '[', '{']);
        if (wildcard < 0)
        {
            return Directory.Exists(resolved) ? resolved : null;
        }
        var separator = resolved.LastIndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], wildcard);
        return separator <= 0 ? null : resolved[..separator];
    }

    private static bool IsInside(string path, string folder)
    {
        var prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison);
    }
}
