namespace FeatureStore.Tests.SampleData;

/// <summary>The committed example repository (<c>definitions/</c>), copied into a temporary folder for a test.</summary>
public static class ExampleRepository
{
    public static string FindDefinitionsFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "definitions");
            if (File.Exists(Path.Combine(candidate, "featurestore.yaml")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No definitions/featurestore.yaml above {AppContext.BaseDirectory}.");
    }

    /// <summary>Copies the YAML files (not generated data, not local registry state) to a new temporary folder.</summary>
    public static string CopyToTemp()
    {
        var source = FindDefinitionsFolder();
        var target = Path.Combine(Path.GetTempPath(), "fs-example-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(source, "*.yaml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            {
                continue;
            }
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }
}
