using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Which page of a list to return: a size (0 = <see cref="DefaultSize"/>, capped at <see cref="MaxSize"/>) and the
/// opaque token a previous page handed out (null = first page).
/// </summary>
public sealed record PageRequest(int PageSize = 0, string? PageToken = null)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 1000;

    public static PageRequest First { get; } = new();

    internal int EffectiveSize => PageSize switch
    {
        < 0 => throw new UserInputException($"Page size {PageSize} is not valid; give a positive number (or 0 for the default of {DefaultSize})."),
        0 => DefaultSize,
        > MaxSize => MaxSize,
        _ => PageSize,
    };
}

/// <summary>One page of a list, and the token that fetches the next one (null on the last page).</summary>
public sealed record CatalogPage<T>(IReadOnlyList<T> Items, string? NextPageToken, int TotalCount);
