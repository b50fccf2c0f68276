namespace FeatureStore.Core.Definitions;

/// <summary>
/// <c>logging: {sample_rate: R}</c> of a feature service: the server logs a random share <see cref="SampleRate"/>
/// (0 &lt; R &lt;= 1) of the requests for the service, one row per entity, so the served values can be audited against
/// an offline recomputation and reused as training data. A service without it is not logged.
/// </summary>
public sealed record FeatureServiceLogging
{
    public required double SampleRate { get; init; }
}
