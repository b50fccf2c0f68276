using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
namespace FeatureStore.DuckDb;

/// <summary>Trims DuckDB error text for users: drops the echoed SQL ("LINE 1: ...") and long lists of hints.</summary>
internal static class DuckDbMessages
{
    private const int MaxLines = 6;

    public static string Trim(string message)
    {
        var lines = message.Replace("\r", "").Split('\n').ToList();
        var sqlEcho = lines.FindIndex(l => l.StartsWith("LINE ", StringComparison.Ordinal));
        if (sqlEcho >= 0)
        {
            lines = lines[..sqlEcho];
        }
        lines = lines.Where(l => l.Trim().Length > 0).ToList();
        return lines.Count > MaxLines
            ? string.Join(Environment.NewLine, lines.Take(MaxLines)) + Environment.NewLine + "..."
            : string.Join(Environment.NewLine, lines);
    }
}
