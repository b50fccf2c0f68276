namespace FeatureStore.Garnet;

/// <summary>Whether a process hosts an embedded store now, and where (unknown while a new host is starting).</summary>
public sealed record EmbeddedStoreState(bool IsHosted, int? Port, int? ProcessId);
