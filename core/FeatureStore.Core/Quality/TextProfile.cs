namespace FeatureStore.Core.Quality;

/// <summary>
/// Figures of a string or bytes feature over its non-null values. <see cref="TopValues"/> are the most frequent
/// values (found with an approximate top-k, then counted exactly), at most <see cref="TopCount"/>, most frequent
/// first; bytes are shown as <c>0x</c> and lower-case hex. Lengths are in characters for strings, bytes for bytes.
/// </summary>
public sealed record TextProfile
{
    public const int TopCount = 10;

    /// <summary>HyperLogLog estimate of distinct values (a few percent off for large counts).</summary>
    public long ApproxDistinct { get; init; }

    public IReadOnlyList<ValueCount> TopValues { get; init; } = [];

    public long? LengthMin { get; init; }

    public double? LengthMean { get; init; }

    public long? LengthMax { get; init; }
}

/// <summary>A value and how many rows hold it.</summary>
public sealed record ValueCount(string Value, long Count);
