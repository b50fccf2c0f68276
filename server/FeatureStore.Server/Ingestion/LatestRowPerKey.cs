using System.Collections;
using FeatureStore.Core.PointInTime;

namespace FeatureStore.Server.Ingestion;

/// <summary>
/// Within one request, the row that wins for each key of a view, as a training set picks it: the greatest
/// <see cref="RowVersion"/> (event timestamp, then created timestamp, a missing one lowest); between rows of the same
/// version the later one in the request wins, as it would replace the earlier in the store. Returns the winning rows
/// in request order.
/// </summary>
internal static class LatestRowPerKey
{
    public static int[] Select(IReadOnlyList<object?[]> keyColumns, DateTimeOffset[] events, DateTimeOffset?[] created, int rowCount)
    {
        var winners = new Dictionary<object, int>(rowCount, KeyComparer.Instance);
        var versions = new RowVersion[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            versions[row] = RowVersion.Of(events[row], created[row]);
            var key = keyColumns.Count == 1 ? keyColumns[0][row]! : keyColumns.Select(c => c[row]!).ToArray();
            if (!winners.TryGetValue(key, out var previous) || versions[row] >= versions[previous])
            {
                winners[key] = row;
            }
        }
        var rows = winners.Values.ToArray();
        Array.Sort(rows);
        return rows;
    }

    /// <summary>Key values by value: bytes and composite keys compare element by element.</summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => (x, y) switch
        {
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (object[] a, object[] b) => a.Length == b.Length && a.Zip(b).All(p => Equals(p.First, p.Second)),
            _ => object.Equals(x, y),
        };

        public int GetHashCode(object value) => value switch
        {
            byte[] bytes => StructuralComparisons.StructuralEqualityComparer.GetHashCode(bytes),
            object[] parts => parts.Aggregate(17, (hash, part) => HashCode.Combine(hash, GetHashCode(part))),
            _ => value.GetHashCode(),
        };
    }
}
