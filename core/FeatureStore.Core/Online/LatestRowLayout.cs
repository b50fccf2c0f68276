using System.Collections;
using System.Data.Common;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Online;

/// <summary>
/// The column layout of the rows an offline latest-row scan hands to an online writer, so neither side knows the
/// other's engine:
/// <code>k0..kn (join keys of the view's entities, entity names sorted) | event µs | created µs or NULL | f0..fm</code>
/// Join keys and features have their declared CLR types (long, int, string, bool, float, double, byte[] or a
/// stream for bytes); timestamps, scalar or in lists, are µs since the Unix epoch as long; lists are
/// <see cref="System.Collections.IList"/> whose elements may be null: read them with <see cref="ReadList"/>.
/// </summary>
public sealed record LatestRowLayout
{
    private LatestRowLayout(FeatureViewDefinition view, IReadOnlyList<EntityDefinition> keyEntities)
    {
        View = view;
        KeyEntities = keyEntities;
    }

    public FeatureViewDefinition View { get; }

    /// <summary>The view's entities in key order: sorted by name (ordinal), so views keyed by the same entities share keys.</summary>
    public IReadOnlyList<EntityDefinition> KeyEntities { get; }

    public IReadOnlyList<FeatureDefinition> Features => View.Features;

    public int EventOrdinal => KeyEntities.Count;

    public int CreatedOrdinal => KeyEntities.Count + 1;

    public int FirstFeatureOrdinal => KeyEntities.Count + 2;

    public static LatestRowLayout For(DefinitionSet definitions, FeatureViewDefinition view) =>
        new(view, definitions.EntitiesOf(view).OrderBy(e => e.Name, StringComparer.Ordinal).ToArray());

    /// <summary>
    /// A list column of the current row, elements null where the source has null elements. Some readers (DuckDB.NET)
    /// give a list of a value type only as <c>List&lt;T?&gt;</c> once an element is null, and refuse <c>GetValue</c>;
    /// this asks for the nullable form first and falls back to <c>GetValue</c> for readers that return their own list.
    /// Timestamp elements are µs (long).
    /// </summary>
    public static IList ReadList(DbDataReader row, int ordinal, ScalarType element)
    {
        ArgumentNullException.ThrowIfNull(row);
        return element switch
        {
            ScalarType.Bool => ReadNullable<bool>(row, ordinal),
            ScalarType.Int32 => ReadNullable<int>(row, ordinal),
            ScalarType.Int64 or ScalarType.Timestamp => ReadNullable<long>(row, ordinal),
            ScalarType.Float32 => ReadNullable<float>(row, ordinal),
            ScalarType.Float64 => ReadNullable<double>(row, ordinal),
            _ => (IList)row.GetValue(ordinal),
        };
    }

    private static IList ReadNullable<T>(DbDataReader row, int ordinal)
        where T : struct
    {
        try
        {
            return row.GetFieldValue<List<T?>>(ordinal);
        }
        catch (InvalidCastException)
        {
            return (IList)row.GetValue(ordinal);
        }
    }
}
