using System.Text.Json.Nodes;

namespace FeatureStore.Core.Registry;

/// <summary>
/// The file of one registry version (<c>versions/000001.json</c>). <see cref="Definitions"/> is kept as the
/// canonical JSON tree it was hashed as, so integrity can be checked byte for byte whatever the model becomes.
/// </summary>
internal sealed record VersionDocument(
    int Format,
    int Number,
    DateTimeOffset AppliedAt,
    string Hash,
    string Summary,
    RegistryDiff Diff,
    JsonObject Definitions)
{
    /// <summary>The layout written today; readers refuse files from a newer layout instead of misreading them.</summary>
    public const int CurrentFormat = 1;
}
