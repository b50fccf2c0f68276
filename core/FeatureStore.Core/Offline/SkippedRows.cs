using System.Globalization;

namespace FeatureStore.Core.Offline;

/// <summary>
/// Source rows that can never be a feature value, so a materialization or a training set leaves them out: rows whose
/// event timestamp is NULL (or not a real instant), and rows with a time but a NULL join key. Reported, never
/// dropped silently. A row missing both counts once, as a row without an event timestamp.
/// </summary>
public sealed record SkippedRows(long NullEventTimestamp, long NullJoinKey)
{
    public static SkippedRows None { get; } = new(0, 0);

    public long Total => NullEventTimestamp + NullJoinKey;

    /// <summary>One phrase for summaries: <c>3 source rows skipped (2 without an event timestamp, 1 without a join key)</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>(2);
        if (NullEventTimestamp > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{NullEventTimestamp:N0} without an event timestamp"));
        }
        if (NullJoinKey > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{NullJoinKey:N0} without a join key"));
        }
        return string.Create(CultureInfo.InvariantCulture, $"{Total:N0} source row{(Total == 1 ? "" : "s")} skipped ({string.Join(", ", parts)})");
    }

    public SkippedRows Add(SkippedRows other) => new(NullEventTimestamp + other.NullEventTimestamp, NullJoinKey + other.NullJoinKey);
}
