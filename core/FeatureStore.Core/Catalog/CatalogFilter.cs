using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Narrows a catalog list. Every given criterion must hold: all <see cref="Tags"/> present with the given value,
/// the owner equal (ignoring case), and the entity among the object's entities. Empty means no filter.
/// </summary>
public sealed record CatalogFilter
{
    public static CatalogFilter None { get; } = new();

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
    public string? Owner { get; init; }
    public string? Entity { get; init; }

    /// <summary>
    /// Builds a filter from user text: each tag written <c>key=value</c>. A malformed tag throws
    /// <see cref="UserInputException"/> naming it; blank owner or entity means no filter on them.
    /// </summary>
    public static CatalogFilter Parse(IEnumerable<string>? tags, string? owner, string? entity)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        foreach (var text in tags ?? [])
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            var separator = text.IndexOf('=', StringComparison.Ordinal);
            var key = separator < 0 ? "" : text[..separator].Trim();
            if (key.Length == 0)
            {
                throw new UserInputException($"Tag filter '{text}' is not valid; write it as key=value (for example team=driver_performance).");
            }
            parsed.Add(new KeyValuePair<string, string>(key, text[(separator + 1)..].Trim()));
        }
        return new CatalogFilter
        {
            Tags = parsed,
            Owner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim(),
            Entity = string.IsNullOrWhiteSpace(entity) ? null : entity.Trim(),
        };
    }

    internal bool Matches(IReadOnlyDictionary<string, string> tags, string? owner, IEnumerable<string> entities)
    {
        foreach (var (key, value) in Tags)
        {
            if (!tags.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }
        if (Owner is not null && !string.Equals(owner, Owner, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return Entity is null || entities.Contains(Entity, StringComparer.Ordinal);
    }
}
