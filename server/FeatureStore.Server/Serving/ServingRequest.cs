namespace FeatureStore.Server.Serving;

/// <summary>
/// A feature lookup as it arrived, transport-neutral: the gRPC and HTTP readers produce it, <see cref="OnlineServing"/>
/// checks and answers it. Entity key values are as sent (long/double/bool/string/byte[]/null); they are converted
/// to each entity's declared type, with errors naming the column and row, by <see cref="EntityKeyConverter"/>.
/// </summary>
public sealed record ServingRequest(
    IReadOnlyList<string> Features,
    string? FeatureService,
    IReadOnlyList<EntityColumn> Entities,
    bool FullFeatureNames,
    KeyEncoding KeyEncoding);

/// <summary>One join key and its value for every entity row, in request order.</summary>
public sealed record EntityColumn(string JoinKey, IReadOnlyList<object?> Values);

/// <summary>How a transport can spell key values that JSON has no type for.</summary>
public enum KeyEncoding
{
    /// <summary>gRPC: every value is typed; bytes keys arrive as bytes.</summary>
    Typed,

    /// <summary>JSON: bytes keys arrive as base64 strings; integers as numbers.</summary>
    Json,
}
