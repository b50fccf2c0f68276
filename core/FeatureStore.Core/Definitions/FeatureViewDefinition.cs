using System.Text.Json.Serialization;

namespace FeatureStore.Core.Definitions;

/// <summary>
/// A group of features read from one source and keyed by one or more entities (several = composite key).
/// <see cref="Ttl"/> of zero means values never expire.
/// </summary>
public sealed record FeatureViewDefinition
{
    public required string Name { get; init; }
    public required IReadOnlyList<string> Entities { get; init; }
    public required string Source { get; init; }
    public TimeSpan Ttl { get; init; }
    public bool Online { get; init; } = true;
    public string? Owner { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
    public required IReadOnlyList<FeatureDefinition> Features { get; init; }

    /// <summary>
    /// Cron expression (UTC) of scheduled materialization: the view's own <c>schedule</c>, else the repository's
    /// <c>materialization.schedule</c>, as recorded at apply; null when the view is not scheduled.
    /// </summary>
    public string? Schedule { get; init; }

    /// <summary>The view's default check severity and drift limit; null when not given.</summary>
    public ViewChecks? Checks { get; init; }

    /// <summary>
    /// What the view's data is compared with for drift, as written: <c>training-set:FILE</c>, <c>profile:NAME</c> or
    /// <c>window:START..END</c> (see <see cref="Quality.ProfileReference"/>).
    /// </summary>
    public string? Reference { get; init; }

    [JsonIgnore]
    public SourceLocation? Location { get; init; }

    public FeatureDefinition? FindFeature(string name) => Features.FirstOrDefault(f => f.Name == name);

    /// <summary>The one error for reading, writing or materializing a view that is not served online.</summary>
    public void EnsureServedOnline()
    {
        if (!Online)
        {
            throw new Errors.UserInputException(
                $"Feature view '{Name}' is offline only (online: false): it is never materialized, written or served online.");
        }
    }
}
