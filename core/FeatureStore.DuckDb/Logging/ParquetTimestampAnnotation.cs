using System.Reflection;
using Parquet;
using Parquet.Meta;

namespace FeatureStore.DuckDb;

/// <summary>
/// Marks INT64 columns holding µs since the epoch as TIMESTAMP(MICROS, UTC) in a <see cref="ParquetWriter"/>'s footer
/// before it is written. Parquet.Net 6.1 encodes the min/max statistics of its own timestamp columns in milliseconds
/// whatever the unit, so readers that prune by them (DuckDB does) skip matching rows; plain INT64 columns get exact
/// statistics, in the page headers and the column chunks alike, and the annotation is all a timestamp column adds.
/// Parquet.Net has no public way to set a logical type, so this reaches its footer metadata (public types) through its
/// two private fields; both are checked once, so a Parquet.Net that moved them fails loudly at the first write.
/// </summary>
internal static class ParquetTimestampAnnotation
{
    private static readonly FieldInfo Footer = typeof(ParquetWriter).GetField("_footer", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("This Parquet.Net version has no ParquetWriter._footer; the log writer cannot type its timestamps.");

    private static readonly FieldInfo FileMeta = Footer.FieldType.GetField("_fileMeta", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("This Parquet.Net version has no ThriftFooter._fileMeta; the log writer cannot type its timestamps.");

    /// <summary>
    /// Annotates the leaf columns at <paramref name="paths"/> (names from the root, e.g. <c>request_time</c> or
    /// <c>view__tags/list/element</c>); every path must name an INT64 leaf.
    /// </summary>
    public static void Apply(ParquetWriter writer, IReadOnlyCollection<string> paths)
    {
        var metadata = FileMeta.GetValue(Footer.GetValue(writer)) as FileMetaData
            ?? throw new InvalidOperationException("The Parquet writer has no footer metadata to type its timestamps in.");
        var found = 0;
        var index = 1; // element 0 is the root
        var root = metadata.Schema[0].NumChildren ?? 0;
        for (var child = 0; child < root; child++)
        {
            Visit(metadata.Schema, ref index, "", paths, ref found);
        }
        if (found != paths.Count)
        {
            throw new InvalidOperationException($"Only {found} of the {paths.Count} timestamp columns were found in the Parquet schema.");
        }
    }

    private static void Visit(List<SchemaElement> schema, ref int index, string parent, IReadOnlyCollection<string> paths, ref int found)
    {
        var element = schema[index++];
        var path = parent.Length == 0 ? element.Name : $"{parent}/{element.Name}";
        if (element.NumChildren is > 0 and var children)
        {
            for (var child = 0; child < children; child++)
            {
                Visit(schema, ref index, path, paths, ref found);
            }
            return;
        }
        if (!paths.Contains(path))
        {
            return;
        }
        if (element.Type != Parquet.Meta.Type.INT64)
        {
            throw new InvalidOperationException($"Timestamp column '{path}' is not INT64 in the Parquet schema.");
        }
        element.ConvertedType = ConvertedType.TIMESTAMP_MICROS;
        element.LogicalType = new LogicalType
        {
            TIMESTAMP = new TimestampType { IsAdjustedToUTC = true, Unit = new TimeUnit { MICROS = new MicroSeconds() } },
        };
        found++;
    }
}
