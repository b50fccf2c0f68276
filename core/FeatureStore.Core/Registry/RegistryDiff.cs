namespace FeatureStore.Core.Registry;

/// <summary>The kinds of object a feature repository defines.</summary>
public enum ObjectKind
{
    Entity,
    Source,
    FeatureView,
    FeatureService,
}

public enum ChangeType
{
    Added,
    Removed,
    Changed,
}

/// <summary>One field of a changed object, before and after (rendered as text for humans and for JSON).</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>One object added, removed or changed; <see cref="Fields"/> is empty unless changed.</summary>
public sealed record ObjectChange(ObjectKind Kind, string Name, ChangeType Type, IReadOnlyList<FieldChange> Fields);

/// <summary>What one apply changes (or changed), as shown by <c>plan</c> and kept with every registry version.</summary>
public sealed record RegistryDiff(IReadOnlyList<ObjectChange> Changes)
{
    public static RegistryDiff Empty { get; } = new([]);

    public bool IsEmpty => Changes.Count == 0;

    /// <summary>True when a feature view was removed or changed, so some online data may no longer be served as stored.</summary>
    public bool RemovesOnlineData =>
        Changes.Any(c => c.Kind == ObjectKind.FeatureView && c.Type is ChangeType.Removed or ChangeType.Changed);
}
