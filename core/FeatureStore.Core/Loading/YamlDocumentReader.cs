using FeatureStore.Core.Definitions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads a YAML file into the representation model, which keeps the line and column of every node so problems can
/// point at them. A syntax error becomes a located problem instead of an exception.
/// </summary>
internal static class YamlDocumentReader
{
    /// <summary>The root node of each document in the text (none for an empty file).</summary>
    public static IReadOnlyList<YamlNode> Parse(string text, string relativePath, ProblemList problems)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner && !string.IsNullOrWhiteSpace(inner.Message) ? inner.Message : ex.Message;
            problems.Add(
                new SourceLocation(relativePath, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column)),
                $"invalid YAML: {StripMarks(message)}{QuotingHint(text, ex.Start.Line)}");
            return [];
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a YamlException; the last event
            // it parsed is the closest location it can give.
            var mark = parser.Current?.End ?? Mark.Empty;
            problems.Add(
                new SourceLocation(relativePath, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column)),
                "invalid YAML: the text after this point cannot be parsed (check brackets, quotes and ': ' separators)");
            return [];
        }
        return stream.Documents.Select(d => d.RootNode).ToArray();
    }

    /// <summary>
    /// YAML reads a plain value starting with <c>*</c> as an alias and one starting with <c>@</c> as reserved, so an
    /// unquoted cron schedule (<c>*/15 * * * *</c>, <c>@hourly</c>) fails with a message about aliases: say what to do.
    /// </summary>
    private static string QuotingHint(string text, long line)
    {
        var lines = text.Split('\n');
        if (line < 1 || line > lines.Length)
        {
            return "";
        }
        var content = lines[line - 1];
        var colon = content.IndexOf(": ", StringComparison.Ordinal);
        var value = colon < 0 ? "" : content[(colon + 2)..].TrimStart();
        return value.Length > 0 && value[0] is '*' or '@'
            ? $" (a value starting with '{value[0]}' must be quoted, e.g. schedule: \"*/15 * * * *\")"
            : "";
    }

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, ...): "; the location is reported separately.</summary>
    private static string StripMarks(string message)
    {
        if (message.StartsWith("(Line:", StringComparison.Ordinal))
        {
            var end = message.IndexOf("): ", StringComparison.Ordinal);
            if (end > 0)
            {
                return message[(end + 3)..];
            }
        }
        return message;
    }
}
