using System.Diagnostics;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Registry;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Serving;

/// <summary>
/// The transport-neutral heart of serving: resolves the requested features against the registry version being
/// served, checks and converts the entity columns, and reads everything from the online store in one call bounded
/// by <see cref="ServerOptions.StoreTimeout"/>. User mistakes throw <see cref="UserInputException"/> or
/// <see cref="NotFoundException"/> naming the culprit; an unreachable store throws <see cref="StoreUnavailableException"/>.
/// </summary>
public sealed class OnlineServing(
    ActiveDefinitions active,
    IOnlineStore store,
    IOptions<ServerOptions> options,
    ServingMetrics metrics)
{
    private readonly int _maxEntities = options.Value.MaxEntities;

    public async Task<ServingResult> ReadAsync(ServingRequest request, CancellationToken cancellationToken)
    {
        var snapshot = active.Snapshot;
        var definitions = snapshot.Definitions;
        var resolved = Resolve(snapshot, request);
        var (features, requiredKeys) = (resolved.Features, resolved.RequiredKeys);
        var (keyColumns, rowCount) = ConvertEntityColumns(definitions, request, requiredKeys);
        var names = OutputNames(keyColumns, resolved.ColumnNames(request.FullFeatureNames), request.FullFeatureNames);

        var storeColumns = keyColumns.ToDictionary(c => c.JoinKey, c => c.Values, StringComparer.Ordinal);
        var storeRequest = new OnlineReadRequest(definitions, features, storeColumns, DateTimeOffset.UtcNow);
        // Zero rows never reach the store: answered by the store without being timed as a store read.
        var read = rowCount == 0
            ? await store.ReadAsync(storeRequest, cancellationToken)
            : await ReadStoreAsync(storeRequest, cancellationToken);
        return new ServingResult(names, keyColumns, read, rowCount)
        {
            FeatureService = request.Features.Count == 0 ? request.FeatureService?.Trim() : null,
            Snapshot = snapshot,
            ReadTime = storeRequest.ReadTime,
        };
    }

    private async Task<OnlineReadResult> ReadStoreAsync(OnlineReadRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            // The store bounds its own wait (the server's --store-timeout-ms is its command timeout).
            var result = await store.ReadAsync(request, cancellationToken);
            succeeded = true;
            return result;
        }
        finally
        {
            metrics.RecordStoreRead(ServingMetrics.Since(started), succeeded);
        }
    }

    /// <summary>
    /// The checked features of a request and the join keys they need, cached in the snapshot's registry version
    /// (models ask for the same lists over and over); failures are never cached.
    /// </summary>
    private static ResolvedFeatures Resolve(ServingSnapshot snapshot, ServingRequest request)
    {
        var key = request.FeatureService is { } service && request.Features.Count == 0
            ? "service\u001f" + service
            : "features\u001f" + string.Join('\u001f', request.Features) + (request.FeatureService is null ? "" : "\u001e" + request.FeatureService);
        if (snapshot.ResolvedFeatures.TryGet(key, out var cached))
        {
            return cached;
        }
        var features = ResolveFeatures(snapshot.Definitions, request);
        var resolved = new ResolvedFeatures(features, RequiredJoinKeys(snapshot.Definitions, features));
        snapshot.ResolvedFeatures.Add(key, resolved);
        return resolved;
    }

    private static IReadOnlyList<FeatureReference> ResolveFeatures(DefinitionSet definitions, ServingRequest request)
    {
        var hasService = !string.IsNullOrWhiteSpace(request.FeatureService);
        if (hasService && request.Features.Count > 0)
        {
            throw new UserInputException("Give either 'features' or 'feature_service', not both.");
        }
        if (!hasService && request.Features.Count == 0)
        {
            throw new UserInputException("Give the features to read: 'features' (view:feature references) or 'feature_service' (a name).");
        }
        var features = hasService
            ? definitions.ResolveService(request.FeatureService!.Trim())
            : definitions.ResolveReferences(request.Features);
        foreach (var viewName in features.Select(f => f.View).Distinct(StringComparer.Ordinal))
        {
            definitions.GetFeatureView(viewName).EnsureServedOnline();
        }
        return features;
    }

    /// <summary>Join key → (entity, first view needing it), for every view of the requested features.</summary>
    private static Dictionary<string, (EntityDefinition Entity, string View)> RequiredJoinKeys(
        DefinitionSet definitions, IReadOnlyList<FeatureReference> features)
    {
        var required = new Dictionary<string, (EntityDefinition, string)>(StringComparer.Ordinal);
        foreach (var viewName in features.Select(f => f.View).Distinct(StringComparer.Ordinal))
        {
            foreach (var entity in definitions.EntitiesOf(definitions.GetFeatureView(viewName)))
            {
                required.TryAdd(entity.JoinKey, (entity, viewName));
            }
        }
        return required;
    }

    private (IReadOnlyList<EntityColumn> Columns, int RowCount) ConvertEntityColumns(
        DefinitionSet definitions, ServingRequest request, Dictionary<string, (EntityDefinition Entity, string View)> required)
    {
        foreach (var (joinKey, (_, view)) in required)
        {
            if (!request.Entities.Any(c => c.JoinKey == joinKey))
            {
                throw new UserInputException(
                    $"Missing join key '{joinKey}' in 'entities': feature view '{view}' is keyed by it.");
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        EntityColumn? first = null;
        foreach (var column in request.Entities)
        {
            if (!seen.Add(column.JoinKey))
            {
                throw new UserInputException($"Entity column '{column.JoinKey}' is given twice.");
            }
            first ??= column;
            if (column.Values.Count != first.Values.Count)
            {
                throw new UserInputException(
                    $"Entity columns differ in length: '{first.JoinKey}' has {first.Values.Count} values, '{column.JoinKey}' has {column.Values.Count}; every column needs one value per entity row.");
            }
        }
        var rowCount = first?.Values.Count ?? 0;
        if (rowCount > _maxEntities)
        {
            throw new UserInputException(
                $"The request has {rowCount} entity rows; the limit is {_maxEntities} (server option --max-entities).");
        }

        var converted = new List<EntityColumn>(request.Entities.Count);
        foreach (var column in request.Entities)
        {
            var entity = required.TryGetValue(column.JoinKey, out var needed)
                ? needed.Entity
                : definitions.Entities.FirstOrDefault(e => e.JoinKey == column.JoinKey)
                  ?? throw new UserInputException(
                      $"Entity column '{column.JoinKey}' is not the join key of any entity; known join keys: {string.Join(", ", definitions.Entities.Select(e => e.JoinKey).Distinct().Order(StringComparer.Ordinal))}.");
            var values = new object?[column.Values.Count];
            for (var row = 0; row < values.Length; row++)
            {
                values[row] = EntityKeyConverter.Convert(column.Values[row], entity, row, request.KeyEncoding);
            }
            converted.Add(new EntityColumn(column.JoinKey, values));
        }
        return (converted, rowCount);
    }

    private static IReadOnlyList<string> OutputNames(
        IReadOnlyList<EntityColumn> keyColumns, string[] featureNames, bool fullFeatureNames)
    {
        var names = new string[keyColumns.Count + featureNames.Length];
        var seen = new HashSet<string>(names.Length, StringComparer.Ordinal);
        List<string>? duplicates = null;
        for (var i = 0; i < names.Length; i++)
        {
            var name = i < keyColumns.Count ? keyColumns[i].JoinKey : featureNames[i - keyColumns.Count];
            names[i] = name;
            if (!seen.Add(name) && !(duplicates ??= []).Contains(name))
            {
                duplicates.Add(name);
            }
        }
        if (duplicates is not null)
        {
            throw new UserInputException(
                $"The response would have duplicate column names ({string.Join(", ", duplicates)})" +
                (fullFeatureNames ? "; ask for each feature once." : "; ask for each feature once, or set full_feature_names to name columns view__feature."));
        }
        return names;
    }
}
