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
                $"invalid YAML: {StripMarks(message)}");
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
