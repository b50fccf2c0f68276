using System.Text.RegularExpressions;

namespace FeatureStore.Core.Loading;

/// <summary>The spelling rules for names: they become SQL identifiers, Redis key parts and output column names.</summary>
internal static partial class NameRules
{
    public const string NamePattern = "[A-Za-z_][A-Za-z0-9_]*";
    public const string ProjectPattern = "[a-z][a-z0-9_]*";

    public static bool IsValidName(string name) => NameRegex().IsMatch(name);

    public static bool IsValidProject(string project) => ProjectRegex().IsMatch(project);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[a-z][a-z0-9_]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectRegex();
}
