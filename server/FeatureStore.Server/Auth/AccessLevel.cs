namespace FeatureStore.Server.Auth;

/// <summary>What an endpoint does with the feature store: reading it, or changing it (a write token also reads).</summary>
public enum AccessLevel
{
    Read,
    Write,
}
