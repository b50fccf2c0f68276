namespace FeatureStore.Core.Registry;

/// <summary>
/// Plain-text rendering of a <see cref="RegistryDiff"/>, shared by <c>plan</c>, <c>apply</c>, <c>versions</c> and the
/// server's catalog so a change reads the same everywhere:
/// <code>
/// + entity customer
/// ~ feature view driver_hourly_stats
///     + features.trips_today: int64
///     ~ features.conv_rate.type: float32 -> float64
///     ~ ttl: 1d -> 2d
/// - source old_source
/// </code>
/// </summary>
public static class DiffFormatter
{
    /// <summary>One line per object (<c>+</c> added, <c>-</c> removed, <c>~</c> changed), each changed field indented below it.</summary>
    public static IReadOnlyList<string> FormatLines(RegistryDiff diff)
    {
        var lines = new List<string>();
        foreach (var change in diff.Changes)
        {
            lines.Add($"{Symbol(change.Type)} {KindName(change.Kind)} {change.Name}");
            foreach (var field in change.Fields)
            {
                lines.Add("    " + FormatField(field));
            }
        }
        return lines;
    }

    /// <summary>The lines of <see cref="FormatLines"/> joined with newlines.</summary>
    public static string Format(RegistryDiff diff) => string.Join(Environment.NewLine, FormatLines(diff));

    /// <summary>
    /// One line for listings, e.g. <c>+1 feature view, ~1 feature view (features, ttl), -1 entity</c>: counts per
    /// change and kind (added, changed, removed), with the changed top-level fields in brackets.
    /// </summary>
    public static string Summarize(RegistryDiff diff)
    {
        if (diff.IsEmpty)
        {
            return "no changes";
        }
        var parts = new List<string>();
        foreach (var type in new[] { ChangeType.Added, ChangeType.Changed, ChangeType.Removed })
        {
            foreach (var kind in Enum.GetValues<ObjectKind>())
            {
                var objects = diff.Changes.Where(c => c.Type == type && c.Kind == kind).ToArray();
                if (objects.Length == 0)
                {
                    continue;
                }
                var part = $"{Symbol(type)}{objects.Length} {KindName(kind, objects.Length)}";
                if (type == ChangeType.Changed)
                {
                    var fields = objects.SelectMany(o => o.Fields).Select(f => f.Field.Split('.')[0]).Distinct(StringComparer.Ordinal);
                    part += $" ({string.Join(", ", fields)})";
                }
                parts.Add(part);
            }
        }
        return string.Join(", ", parts);
    }

    /// <summary><c>+ field: after</c>, <c>- field: before</c> or <c>~ field: before -> after</c>.</summary>
    public static string FormatField(FieldChange field) => (field.Before, field.After) switch
    {
        (null, var after) => $"+ {field.Field}: {OneLine(after)}",
        (var before, null) => $"- {field.Field}: {OneLine(before)}",
        var (before, after) => $"~ {field.Field}: {OneLine(before)} -> {OneLine(after)}",
    };

    public static string Symbol(ChangeType type) => type switch
    {
        ChangeType.Added => "+",
        ChangeType.Removed => "-",
        _ => "~",
    };

    /// <summary>The kind as people say it: <c>feature view</c>, plural <c>feature views</c>.</summary>
    public static string KindName(ObjectKind kind, int count = 1) => (kind, count == 1) switch
    {
        (ObjectKind.Entity, true) => "entity",
        (ObjectKind.Entity, false) => "entities",
        (ObjectKind.Source, true) => "source",
        (ObjectKind.Source, false) => "sources",
        (ObjectKind.FeatureView, true) => "feature view",
        (ObjectKind.FeatureView, false) => "feature views",
        (ObjectKind.FeatureService, true) => "feature service",
        _ => "feature services",
    };

    private static string OneLine(string? text) =>
        text is null ? "" : text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
