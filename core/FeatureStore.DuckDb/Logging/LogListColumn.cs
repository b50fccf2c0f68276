using System.Collections;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Online;
using Parquet;
using Parquet.Schema;

namespace FeatureStore.DuckDb;

/// <summary>
/// Writes a list feature as a Parquet list (optional list of optional elements) from its dense values and its
/// definition and repetition levels: 0 no list (not PRESENT), 1 an empty list, 2 a null element, 3 an element.
/// </summary>
internal static class LogListColumn
{
    private const int NoList = 0;
    private const int EmptyList = 1;
    private const int NullElement = 2;
    private const int Element = 3;

    public static Task WriteAsync(
        ParquetRowGroupWriter group, ListField field, ScalarType scalar, FeatureColumn column, int rows, CancellationToken cancellationToken)
    {
        var element = (DataField)field.Item;
        return scalar switch
        {
            ScalarType.Bool => WriteAsync(group, element, column, rows, v => (bool)v, cancellationToken),
            ScalarType.Int32 => WriteAsync(group, element, column, rows, v => (int)v, cancellationToken),
            ScalarType.Int64 => WriteAsync(group, element, column, rows, v => (long)v, cancellationToken),
            ScalarType.Float32 => WriteAsync(group, element, column, rows, v => (float)v, cancellationToken),
            ScalarType.Float64 => WriteAsync(group, element, column, rows, v => (double)v, cancellationToken),
            ScalarType.Timestamp => WriteAsync(group, element, column, rows, v => TimestampMicros.FromDateTimeOffset((DateTimeOffset)v), cancellationToken),
            ScalarType.String => WriteAsync(group, element, column, rows, v => ((string)v).AsMemory(), cancellationToken),
            ScalarType.Bytes => WriteAsync(group, element, column, rows, v => (ReadOnlyMemory<byte>)(byte[])v, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(scalar), scalar, null),
        };
    }

    private static async Task WriteAsync<T>(
        ParquetRowGroupWriter group, DataField element, FeatureColumn column, int rows, Func<object, T> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new List<T>(rows);
        var definitions = new List<int>(rows);
        var repetitions = new List<int>(rows);
        var lists = (object?[])column.Values;
        var statuses = column.Statuses;
        for (var i = 0; i < rows; i++)
        {
            if (statuses[i] != FeatureStatus.Present || lists[i] is not IList list)
            {
                definitions.Add(NoList);
                repetitions.Add(0);
                continue;
            }
            if (list.Count == 0)
            {
                definitions.Add(EmptyList);
                repetitions.Add(0);
                continue;
            }
            for (var e = 0; e < list.Count; e++)
            {
                repetitions.Add(e == 0 ? 0 : 1);
                if (list[e] is { } item)
                {
                    definitions.Add(Element);
                    values.Add(convert(item));
                }
                else
                {
                    definitions.Add(NullElement);
                }
            }
        }
        await group.WriteAllPartsAsync(
            element, (ReadOnlyMemory<T>)values.ToArray(), (ReadOnlyMemory<int>)definitions.ToArray(), (ReadOnlyMemory<int>)repetitions.ToArray(),
            cancellationToken).ConfigureAwait(false);
    }
}
