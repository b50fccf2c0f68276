using System.Globalization;
using System.Text;
using FeatureStore.Core.Online;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Serving;

namespace FeatureStore.Materializer.Lookup;

/// <summary>
/// An online lookup as a plain table, one line per entity row and feature: the join keys, the feature
/// (<c>view:feature</c>), its value (<c>-</c> unless PRESENT), status and event time (<c>-</c> when none was stored).
/// Columns are padded and separated by two spaces, so the table reads on a terminal and splits with <c>awk</c>.
/// </summary>
internal static class LookupTable
{
    public static IReadOnlyList<string> Format(ServingResult result)
    {
        var header = result.KeyColumns.Select(k => k.JoinKey).Concat(["FEATURE", "VALUE", "STATUS", "EVENT_TIMESTAMP"]).ToArray();
        var rows = new List<string[]> { header };
        for (var row = 0; row < result.RowCount; row++)
        {
            var keys = result.KeyColumns.Select(k => Text(k.Values[row])).ToArray();
            for (var f = 0; f < result.Features.Columns.Count; f++)
            {
                var value = result.Features.Columns[f][row];
                rows.Add([
                    .. keys,
                    result.Features.Features[f].ToString(),
                    value.Status == FeatureStatus.Present ? Text(value.Value) : "-",
                    FeastJsonResponseWriter.StatusName(value.Status),
                    value.EventTimestamp is { } time ? Text(time) : "-",
                ]);
            }
        }
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).ToArray();
    }

    /// <summary>A value as the JSON answer spells it, without quotes: numbers invariant, times ISO-8601 UTC, bytes base64.</summary>
    private static string Text(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : NonFinite(f),
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : NonFinite(d),
        DateTimeOffset t => Timestamp(t),
        byte[] bytes => Convert.ToBase64String(bytes),
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Text)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string NonFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";

    private static string Timestamp(DateTimeOffset time)
    {
        Span<byte> buffer = stackalloc byte[32];
        return Encoding.ASCII.GetString(buffer[..FeastJsonResponseWriter.FormatTimestamp(time, buffer)]);
    }
}
