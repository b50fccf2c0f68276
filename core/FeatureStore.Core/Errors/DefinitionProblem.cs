using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Errors;

/// <summary>One problem found in a feature repository, located precisely enough to fix without searching.</summary>
public sealed record DefinitionProblem(SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>
/// Loading found one or more problems; all of them are reported at once, and nothing was applied.
/// </summary>
public sealed class DefinitionValidationException : UserInputException
{
    public DefinitionValidationException(IReadOnlyList<DefinitionProblem> problems)
        : base(Format(problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<DefinitionProblem> Problems { get; }

    private static string Format(IReadOnlyList<DefinitionProblem> problems) =>
        $"{problems.Count} problem{(problems.Count == 1 ? "" : "s")} in the feature repository:{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => $"  {p}"));
}
