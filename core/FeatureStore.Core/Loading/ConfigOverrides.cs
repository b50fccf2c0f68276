namespace FeatureStore.Core.Loading;

/// <summary>
/// Settings given on the command line; they win over environment variables, which win over featurestore.yaml.
/// </summary>
public sealed record ConfigOverrides(string? RedisConnectionString = null, string? RegistryPath = null)
{
    public static ConfigOverrides None { get; } = new();
}
