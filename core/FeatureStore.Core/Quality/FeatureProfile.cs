using System.Text.Json.Serialization;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// One feature's figures. Every feature has counts; exactly one of the type-specific parts is set, by type:
/// <see cref="Numeric"/> for int32/int64/float32/float64, <see cref="Text"/> for string and bytes, <see cref="Bool"/>,
/// <see cref="Timestamp"/>, or <see cref="List"/> for every list type.
/// </summary>
public sealed record FeatureProfile
{
    public required string Name { get; init; }

    public required FeatureType Type { get; init; }

    /// <summary>Rows, nulls included.</summary>
    public required long Count { get; init; }

    public required long Nulls { get; init; }

    [JsonIgnore]
    public double NullFraction => Count == 0 ? 0 : (double)Nulls / Count;

    public NumericProfile? Numeric { get; init; }

    public TextProfile? Text { get; init; }

    public BoolProfile? Bool { get; init; }

    public TimestampProfile? Timestamp { get; init; }

    public ListProfile? List { get; init; }
}
