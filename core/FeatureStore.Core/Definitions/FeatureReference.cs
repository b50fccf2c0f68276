namespace FeatureStore.Core.Definitions;

/// <summary>A feature named as <c>view:feature</c>, the one spelling used by the CLI, the APIs and feature services.</summary>
public sealed record FeatureReference(string View, string Feature)
{
    public static bool TryParse(string? text, out FeatureReference reference)
    {
        reference = new FeatureReference("", "");
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var parts = text.Trim().Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }
        reference = new FeatureReference(parts[0], parts[1]);
        return true;
    }

    /// <summary>The output column name: the feature name, or <c>view__feature</c> when full names are asked for.</summary>
    public string ColumnName(bool fullFeatureNames) => fullFeatureNames ? $"{View}__{Feature}" : Feature;

    public override string ToString() => $"{View}:{Feature}";
}
