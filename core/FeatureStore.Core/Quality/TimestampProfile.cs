namespace FeatureStore.Core.Quality;

/// <summary>Figures of a timestamp feature: its earliest and latest non-null values (UTC).</summary>
public sealed record TimestampProfile
{
    public DateTimeOffset? Min { get; init; }

    public DateTimeOffset? Max { get; init; }
}
