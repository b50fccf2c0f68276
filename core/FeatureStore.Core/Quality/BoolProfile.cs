using System.Text.Json.Serialization;

namespace FeatureStore.Core.Quality;

/// <summary>Figures of a bool feature: how many of its non-null values are true.</summary>
public sealed record BoolProfile
{
    public long TrueCount { get; init; }

    public long FalseCount { get; init; }

    [JsonIgnore]
    public double? TrueFraction => TrueCount + FalseCount == 0 ? null : (double)TrueCount / (TrueCount + FalseCount);
}
