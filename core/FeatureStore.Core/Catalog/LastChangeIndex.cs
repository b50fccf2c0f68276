using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Finds, for every feature view, the newest registry version that added or changed it. A version counts when its
/// diff names the view as added or changed, or when the view's definition differs from the previous version's
/// (so history written before diffs carried every field still gives the right answer).
/// </summary>
internal static class LastChangeIndex
{
    public static IReadOnlyDictionary<string, VersionStamp> Build(IReadOnlyList<RegistryVersion> versions)
    {
        var result = new Dictionary<string, VersionStamp>(StringComparer.Ordinal);
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var version in versions.OrderBy(v => v.Number))
        {
            var stamp = new VersionStamp(version.Number, version.AppliedAt);
            var current = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var view in version.Definitions.FeatureViews)
            {
                var canonical = Canonical(view);
                current[view.Name] = canonical;
                if (!previous.TryGetValue(view.Name, out var before) || before != canonical)
                {
                    result[view.Name] = stamp;
                }
            }
            foreach (var change in version.Diff.Changes)
            {
                if (change.Kind == ObjectKind.FeatureView && change.Type != ChangeType.Removed && current.ContainsKey(change.Name))
                {
                    result[change.Name] = stamp;
                }
            }
            previous = current;
        }
        return result;
    }

    /// <summary>A text form equal for equal definitions regardless of dictionary order (records compare lists by reference).</summary>
    internal static string Canonical(FeatureViewDefinition view)
    {
        var text = new StringBuilder();
        text.Append(view.Name).Append('\u001f')
            .AppendJoin(',', view.Entities).Append('\u001f')
            .Append(view.Source).Append('\u001f')
            .Append(view.Ttl.Ticks).Append('\u001f')
            .Append(view.Online).Append('\u001f')
            .Append(view.Owner).Append('\u001f')
            .Append(view.Description).Append('\u001f');
        AppendTags(text, view.Tags);
        foreach (var feature in view.Features)
        {
            text.Append('\u001e').Append(feature.Name).Append('\u001f').Append(feature.Type).Append('\u001f')
                .Append(feature.Description).Append('\u001f');
            AppendTags(text, feature.Tags);
        }
        return text.ToString();
    }

    private static void AppendTags(StringBuilder text, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append(';');
        }
    }
}
