using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Registry;

/// <summary>Conveniences for code that reads the applied definitions (training sets, materialize, the server).</summary>
public static class RegistryExtensions
{
    /// <summary>
    /// The current version, or a <see cref="UserInputException"/> telling the user to run <c>apply</c> first:
    /// every verb but plan/apply works from applied definitions, never from the raw YAML.
    /// </summary>
    public static async Task<RegistryVersion> RequireCurrentAsync(this IRegistry registry, CancellationToken cancellationToken = default) =>
        await registry.GetCurrentAsync(cancellationToken)
        ?? throw new UserInputException(
            $"Nothing has been applied to the registry{(registry is FileRegistry file ? $" at {file.Folder}" : "")} yet; " +
            "run 'featurestore apply --repo DIR' first.");

    /// <summary>The first 12 hex digits of the content hash, enough to tell versions apart in listings.</summary>
    public static string ShortHash(this RegistryVersion version) => version.Hash.Length <= 12 ? version.Hash : version.Hash[..12];
}
