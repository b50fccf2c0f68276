using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Loading;

/// <summary>A value read from YAML together with where it was written, so later checks can point at it.</summary>
internal readonly record struct Located<T>(T Value, SourceLocation Location);
