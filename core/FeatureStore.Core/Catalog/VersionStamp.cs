namespace FeatureStore.Core.Catalog;

/// <summary>A registry version by number and apply time, as shown next to the objects it changed.</summary>
public sealed record VersionStamp(int Number, DateTimeOffset AppliedAt);
