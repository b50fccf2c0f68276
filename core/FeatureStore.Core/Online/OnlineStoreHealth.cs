namespace FeatureStore.Core.Online;

/// <summary>The answer of <see cref="IOnlineStore.CheckHealthAsync"/>: reachable or not, with a one-line reason.</summary>
public sealed record OnlineStoreHealth(bool IsHealthy, string Description, TimeSpan? Latency = null);
