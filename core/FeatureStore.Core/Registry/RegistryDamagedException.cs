using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Registry;

/// <summary>
/// A registry version file that cannot be used: unreadable, truncated, edited by hand, or from a newer featurestore.
/// The message names the file and says how to recover. Versions are immutable and only the newest one is current, so
/// moving a damaged newest file aside makes the version before it current again.
/// </summary>
public sealed class RegistryDamagedException : StoreUnavailableException
{
    public RegistryDamagedException(string path, string problem, Exception? inner = null, bool recoverable = true)
        : base($"Registry version file {path} {problem}. " + (recoverable
            ? "To recover, move that file out of the registry folder (the version before it becomes current) and apply the definitions again."
            : "Nothing in the registry was changed."), inner)
    {
        Path = path;
    }

    /// <summary>The damaged version file.</summary>
    public string Path { get; }
}
