using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Definitions;

/// <summary>
/// Every object of a feature repository, validated and cross-referenced. This is what the registry stores and what
/// training sets, the materializer and the server read.
/// </summary>
public sealed record DefinitionSet
{
    public required string Project { get; init; }
    public IReadOnlyList<EntityDefinition> Entities { get; init; } = [];
    public IReadOnlyList<SourceDefinition> Sources { get; init; } = [];
    public IReadOnlyList<FeatureViewDefinition> FeatureViews { get; init; } = [];
    public IReadOnlyList<FeatureServiceDefinition> FeatureServices { get; init; } = [];

    public EntityDefinition GetEntity(string name) =>
        Entities.FirstOrDefault(e => e.Name == name) ?? throw new NotFoundException($"Unknown entity '{name}'.");

    public SourceDefinition GetSource(string name) =>
        Sources.FirstOrDefault(s => s.Name == name) ?? throw new NotFoundException($"Unknown source '{name}'.");

    public FeatureViewDefinition GetFeatureView(string name) =>
        FeatureViews.FirstOrDefault(v => v.Name == name) ?? throw new NotFoundException($"Unknown feature view '{name}'.");

    public FeatureServiceDefinition GetFeatureService(string name) =>
        FeatureServices.FirstOrDefault(s => s.Name == name) ?? throw new NotFoundException($"Unknown feature service '{name}'.");

    /// <summary>
    /// The Parquet source a view's history is read from (training sets, materialize): its own source, or the batch
    /// source of its push source.
    /// </summary>
    public SourceDefinition GetBatchSource(FeatureViewDefinition view) => BatchSourceOf(GetSource(view.Source));

    /// <summary>A Parquet source itself; a push source's batch source.</summary>
    public SourceDefinition BatchSourceOf(SourceDefinition source) =>
        source.BatchSource is { } batch ? GetSource(batch) : source;

    /// <summary>The views fed by a source, in name order.</summary>
    public IReadOnlyList<FeatureViewDefinition> ViewsOf(SourceDefinition source) =>
        FeatureViews.Where(v => v.Source == source.Name).OrderBy(v => v.Name, StringComparer.Ordinal).ToArray();

    /// <summary>The entities of a view, in the view's order: their join keys form the view's (composite) key.</summary>
    public IReadOnlyList<EntityDefinition> EntitiesOf(FeatureViewDefinition view) => view.Entities.Select(GetEntity).ToArray();

    /// <summary>
    /// Turns <c>view:feature</c> strings (or bare <c>view</c>, meaning all its features) into checked references,
    /// in request order. Unknown names throw <see cref="NotFoundException"/>; malformed ones <see cref="UserInputException"/>.
    /// </summary>
    public IReadOnlyList<FeatureReference> ResolveReferences(IEnumerable<string> references)
    {
        var resolved = new List<FeatureReference>();
        foreach (var text in references)
        {
            var trimmed = text.Trim();
            if (trimmed.Length > 0 && !trimmed.Contains(':'))
            {
                var whole = GetFeatureView(trimmed);
                resolved.AddRange(whole.Features.Select(f => new FeatureReference(whole.Name, f.Name)));
                continue;
            }
            if (!FeatureReference.TryParse(trimmed, out var reference))
            {
                throw new UserInputException($"'{text}' is not a feature reference; write it as view:feature.");
            }
            var view = GetFeatureView(reference.View);
            if (view.FindFeature(reference.Feature) is null)
            {
                throw new NotFoundException($"Feature view '{view.Name}' has no feature '{reference.Feature}'.");
            }
            resolved.Add(reference);
        }
        return resolved;
    }

    /// <summary>The references of a feature service, expanded and checked.</summary>
    public IReadOnlyList<FeatureReference> ResolveService(string serviceName) =>
        ResolveReferences(GetFeatureService(serviceName).Features);
}
