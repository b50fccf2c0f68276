using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Registry;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Read-only queries over one <see cref="CatalogSnapshot"/>: what exists, who owns it, where it comes from, how
/// fresh it is and what uses it. Lists are ordered by name (ordinal) and paged with opaque tokens; unknown names
/// throw <see cref="NotFoundException"/>, bad filters or tokens <see cref="UserInputException"/>. Host-free, so the
/// gRPC service, the JSON API and the web page all answer from the same logic.
/// </summary>
public sealed class FeatureCatalog
{
    private static readonly DefinitionSet NoDefinitions = new() { Project = "" };

    private readonly CatalogSnapshot _snapshot;
    private readonly DefinitionSet _definitions;
    private readonly IReadOnlyDictionary<string, VersionStamp> _lastChanged;
    private readonly IReadOnlyDictionary<string, ViewMaterializationState> _state;
    private readonly IReadOnlyDictionary<string, FeatureServiceEntry> _services;

    public FeatureCatalog(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _snapshot = snapshot;
        _definitions = snapshot.Current?.Definitions ?? NoDefinitions;
        _lastChanged = LastChangeIndex.Build(snapshot.Versions);
        _state = snapshot.Materialization
            .GroupBy(s => s.View, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _services = _definitions.FeatureServices.ToDictionary(s => s.Name, Expand, StringComparer.Ordinal);
    }

    /// <summary>The registry version the catalog shows, or null when nothing was applied yet.</summary>
    public RegistryVersion? CurrentVersion => _snapshot.Current;

    /// <summary>See <see cref="CatalogSnapshot.RegistryProblem"/>.</summary>
    public string? RegistryProblem => _snapshot.RegistryProblem;

    public string Project => _definitions.Project;

    public CatalogPage<EntityEntry> ListEntities(CatalogFilter? filter = null, PageRequest? page = null)
    {
        filter ??= CatalogFilter.None;
        var matching = _definitions.Entities
            .Where(e => filter.Matches(e.Tags, e.Owner, [e.Name]))
            .Select(e => e.Name);
        return PageByName(matching, page, GetEntity);
    }

    public EntityEntry GetEntity(string name)
    {
        var entity = _definitions.Entities.FirstOrDefault(e => e.Name == name)
            ?? throw NotFound("entity", name, _definitions.Entities.Select(e => e.Name));
        var views = _definitions.FeatureViews.Where(v => v.Entities.Contains(name)).Select(v => v.Name).Order(StringComparer.Ordinal).ToArray();
        return new EntityEntry(entity, views);
    }

    public CatalogPage<FeatureViewDetail> ListFeatureViews(CatalogFilter? filter = null, PageRequest? page = null)
    {
        filter ??= CatalogFilter.None;
        var matching = _definitions.FeatureViews
            .Where(v => filter.Matches(v.Tags, v.Owner, v.Entities))
            .Select(v => v.Name);
        return PageByName(matching, page, GetFeatureView);
    }

    public FeatureViewDetail GetFeatureView(string name)
    {
        var view = _definitions.FeatureViews.FirstOrDefault(v => v.Name == name)
            ?? throw NotFound("feature view", name, _definitions.FeatureViews.Select(v => v.Name));
        var entities = view.Entities
            .Select(e => _definitions.Entities.FirstOrDefault(d => d.Name == e)
                ?? new EntityDefinition { Name = e, JoinKey = e, ValueType = new FeatureType(ScalarType.String) })
            .ToArray();
        var source = _definitions.Sources.FirstOrDefault(s => s.Name == view.Source)
            ?? new SourceDefinition { Name = view.Source, Path = "", TimestampField = "" };
        var usedBy = _services.Values.Where(s => s.FeatureViews.Contains(name)).Select(s => s.Service.Name).Order(StringComparer.Ordinal).ToArray();
        return new FeatureViewDetail(
            view,
            entities,
            source,
            _lastChanged.GetValueOrDefault(name),
            usedBy,
            _state.TryGetValue(name, out var state) ? new ViewFreshness(state) : null);
    }

    public CatalogPage<FeatureServiceEntry> ListFeatureServices(CatalogFilter? filter = null, PageRequest? page = null)
    {
        filter ??= CatalogFilter.None;
        var matching = _services.Values
            .Where(s => filter.Matches(s.Service.Tags, s.Service.Owner, EntitiesOfViews(s.FeatureViews)))
            .Select(s => s.Service.Name);
        return PageByName(matching, page, GetFeatureService);
    }

    public FeatureServiceEntry GetFeatureService(string name) =>
        _services.GetValueOrDefault(name) ?? throw NotFound("feature service", name, _services.Keys);

    public CatalogPage<SourceEntry> ListSources(CatalogFilter? filter = null, PageRequest? page = null)
    {
        filter ??= CatalogFilter.None;
        var entries = _definitions.Sources.ToDictionary(
            s => s.Name,
            s => new SourceEntry(s, _definitions.FeatureViews.Where(v => v.Source == s.Name).Select(v => v.Name).Order(StringComparer.Ordinal).ToArray()),
            StringComparer.Ordinal);
        var matching = entries.Values
            .Where(e => filter.Matches(e.Source.Tags, e.Source.Owner, EntitiesOfViews(e.FeatureViews)))
            .Select(e => e.Source.Name);
        return PageByName(matching, page, n => entries[n]);
    }

    /// <summary>
    /// Free-text search over the names, descriptions, tags and owners of feature views and their features, ignoring
    /// case. Ranked: exact name, then name prefix, then name substring, then description/tag/owner mentions; ties
    /// by reference (<c>view</c> or <c>view:feature</c>). Each object appears once, at its best match.
    /// </summary>
    public CatalogPage<SearchHit> SearchFeatures(string? query, PageRequest? page = null)
    {
        var text = query?.Trim() ?? "";
        if (text.Length == 0)
        {
            throw new UserInputException("Search text is empty; give part of a feature or view name, a description word, a tag or an owner.");
        }
        page ??= PageRequest.First;
        var size = page.EffectiveSize;
        var offset = PageToken.DecodeNumber(page.PageToken, PageToken.Offset, 0);

        var hits = new List<SearchHit>();
        foreach (var view in _definitions.FeatureViews)
        {
            if (Classify(text, view.Name, view.Description, view.Tags, view.Owner) is { } viewMatch)
            {
                hits.Add(new SearchHit(SearchHitKind.FeatureView, view.Name, null, viewMatch, null, view.Description, view.Owner, view.Tags));
            }
            foreach (var feature in view.Features)
            {
                if (Classify(text, feature.Name, feature.Description, feature.Tags, owner: null) is { } featureMatch)
                {
                    hits.Add(new SearchHit(SearchHitKind.Feature, view.Name, feature.Name, featureMatch, feature.Type, feature.Description, view.Owner, feature.Tags));
                }
            }
        }
        var ranked = hits
            .OrderBy(h => h.Rank)
            .ThenBy(h => h.Reference, StringComparer.Ordinal)
            .ToArray();
        var items = ranked.Skip(offset).Take(size).ToArray();
        var next = offset + items.Length < ranked.Length ? PageToken.Encode(PageToken.Offset, (offset + items.Length).ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return new CatalogPage<SearchHit>(items, next, ranked.Length);
    }

    /// <summary>The registry history, newest first, each version with the diff that produced it.</summary>
    public CatalogPage<RegistryVersion> ListVersions(PageRequest? page = null)
    {
        page ??= PageRequest.First;
        var size = page.EffectiveSize;
        var before = PageToken.DecodeNumber(page.PageToken, PageToken.AfterVersion, int.MaxValue);
        var all = _snapshot.Versions.OrderByDescending(v => v.Number).ToArray();
        var items = all.Where(v => v.Number < before).Take(size + 1).ToArray();
        var hasMore = items.Length > size;
        var shown = items.Take(size).ToArray();
        var next = hasMore ? PageToken.Encode(PageToken.AfterVersion, shown[^1].Number.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return new CatalogPage<RegistryVersion>(shown, next, all.Length);
    }

    private static SearchMatch? Classify(
        string query, string name, string? description, IReadOnlyDictionary<string, string> tags, string? owner)
    {
        const StringComparison ignoreCase = StringComparison.OrdinalIgnoreCase;
        if (name.Equals(query, ignoreCase))
        {
            return SearchMatch.ExactName;
        }
        if (name.StartsWith(query, ignoreCase))
        {
            return SearchMatch.NamePrefix;
        }
        if (name.Contains(query, ignoreCase))
        {
            return SearchMatch.NameSubstring;
        }
        if (description?.Contains(query, ignoreCase) == true)
        {
            return SearchMatch.Description;
        }
        if (tags.Any(t => $"{t.Key}={t.Value}".Contains(query, ignoreCase)))
        {
            return SearchMatch.Tag;
        }
        if (owner?.Contains(query, ignoreCase) == true)
        {
            return SearchMatch.Owner;
        }
        return null;
    }

    private static CatalogPage<T> PageByName<T>(IEnumerable<string> names, PageRequest? page, Func<string, T> load)
    {
        page ??= PageRequest.First;
        var size = page.EffectiveSize;
        var after = PageToken.Decode(page.PageToken, PageToken.AfterName);
        var ordered = names.Order(StringComparer.Ordinal).ToArray();
        var remaining = after is null ? ordered : ordered.Where(n => string.CompareOrdinal(n, after) > 0).ToArray();
        var shown = remaining.Take(size).ToArray();
        var next = remaining.Length > size ? PageToken.Encode(PageToken.AfterName, shown[^1]) : null;
        return new CatalogPage<T>(shown.Select(load).ToArray(), next, ordered.Length);
    }

    private IEnumerable<string> EntitiesOfViews(IEnumerable<string> viewNames) =>
        viewNames.SelectMany(n => _definitions.FeatureViews.FirstOrDefault(v => v.Name == n)?.Entities ?? []).Distinct();

    private FeatureServiceEntry Expand(FeatureServiceDefinition service)
    {
        var features = new List<FeatureReference>();
        var views = new List<string>();
        foreach (var entry in service.Features)
        {
            var text = entry.Trim();
            var viewName = text.Contains(':') ? text[..text.IndexOf(':')] : text;
            var view = _definitions.FeatureViews.FirstOrDefault(v => v.Name == viewName);
            if (!views.Contains(viewName))
            {
                views.Add(viewName);
            }
            if (!text.Contains(':'))
            {
                features.AddRange(view?.Features.Select(f => new FeatureReference(viewName, f.Name)) ?? []);
            }
            else if (FeatureReference.TryParse(text, out var reference))
            {
                features.Add(reference);
            }
        }
        return new FeatureServiceEntry(service, features, views);
    }

    private NotFoundException NotFound(string kind, string name, IEnumerable<string> known)
    {
        if (_snapshot.Current is null)
        {
            return new NotFoundException($"Unknown {kind} '{name}': nothing has been applied to the registry yet (run `featurestore apply`).");
        }
        var similar = known.Where(k => k.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(k, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(3).ToArray();
        var hint = similar.Length > 0 ? $" Did you mean {string.Join(", ", similar.Select(s => $"'{s}'"))}?" : "";
        return new NotFoundException($"Unknown {kind} '{name}' in registry version {_snapshot.Current.Number}.{hint}");
    }
}
