using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Collects every problem found while loading, so the user sees all of them at once instead of fixing one per run.
/// </summary>
internal sealed class ProblemList
{
    private readonly List<DefinitionProblem> _problems = [];

    public int Count => _problems.Count;

    public void Add(SourceLocation location, string message) => _problems.Add(new DefinitionProblem(location, message));

    public void Add(ProblemList other) => _problems.AddRange(other._problems);

    /// <summary>The problems ordered by file, line and column, the order an editor would show them.</summary>
    public IReadOnlyList<DefinitionProblem> Sorted() => _problems
        .OrderBy(p => p.Location.File, StringComparer.Ordinal)
        .ThenBy(p => p.Location.Line)
        .ThenBy(p => p.Location.Column)
        .ThenBy(p => p.Message, StringComparer.Ordinal)
        .Distinct()
        .ToArray();

    /// <summary>Throws <see cref="DefinitionValidationException"/> when anything was found.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw new DefinitionValidationException(Sorted());
        }
    }
}
