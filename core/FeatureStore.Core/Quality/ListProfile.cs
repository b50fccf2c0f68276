namespace FeatureStore.Core.Quality;

/// <summary>Figures of a list feature over its non-null lists: lengths, and how many elements there are and are null.</summary>
public sealed record ListProfile
{
    public long? LengthMin { get; init; }

    public double? LengthMean { get; init; }

    public long? LengthMax { get; init; }

    public long Elements { get; init; }

    public long ElementNulls { get; init; }
}
