using System.Runtime.CompilerServices;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.PointInTime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Core.Online;

/// <summary>
/// A validated online read: the requested features resolved against the request's definitions (never anything
/// else, so a view absent from them is never served), grouped by entity set, with one Redis key per entity row and
/// set. Turns the HMGET replies into statuses with the shared <see cref="LatestValueRule"/>.
/// </summary>
internal sealed class OnlineReadPlan
{
    private readonly IReadOnlyList<FeatureReference> _features;
    private readonly (EntitySetRead Set, int ViewIndex, int FeatureIndex)[] _slots;

    private OnlineReadPlan(
        IReadOnlyList<FeatureReference> features, int rowCount, List<EntitySetRead> sets,
        (EntitySetRead, int, int)[] slots)
    {
        _features = features;
        RowCount = rowCount;
        EntitySets = sets;
        _slots = slots;
    }

    public int RowCount { get; }

    public IReadOnlyList<EntitySetRead> EntitySets { get; }

    public static OnlineReadPlan Create(OnlineReadRequest request, Func<FeatureViewDefinition, FeatureValueCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definitions = request.Definitions;
        var layout = new OnlineKeyLayout(definitions.Project);
        var sets = new List<EntitySetRead>();
        var slots = new (EntitySetRead, int, int)[request.Features.Count];
        for (var i = 0; i < request.Features.Count; i++)
        {
            var reference = request.Features[i];
            var view = definitions.FeatureViews.FirstOrDefault(v => v.Name == reference.View)
                       ?? throw new NotFoundException($"Unknown feature view '{reference.View}' (in '{reference}').");
            var featureIndex = IndexOf(view, reference.Feature);
            if (featureIndex < 0)
            {
                throw new NotFoundException($"Feature view '{view.Name}' has no feature '{reference.Feature}'.");
            }
            if (!view.Online)
            {
                throw new UserInputException($"Feature view '{view.Name}' is not served online (online: false); '{reference}' cannot be read.");
            }
            var keys = KeysFor(layout, definitions, view);
            var set = sets.FirstOrDefault(s => s.Keys.Name == keys.Name);
            if (set is null)
            {
                set = new EntitySetRead(keys);
                sets.Add(set);
            }
            slots[i] = (set, set.AddView(view, codecs(view)), featureIndex);
        }

        var rowCount = ValidateColumns(request.EntityColumns);
        foreach (var set in sets)
        {
            set.BuildKeys(request.EntityColumns, rowCount);
        }
        return new OnlineReadPlan(request.Features, rowCount, sets, slots);
    }

    private static readonly ConditionalWeakTable<FeatureViewDefinition, Tuple<DefinitionSet, EntitySetKeys>> KeyCache = new();

    /// <summary>Key builders are cached per view definition instance (a server reuses one definition set).</summary>
    private static EntitySetKeys KeysFor(OnlineKeyLayout layout, DefinitionSet definitions, FeatureViewDefinition view)
    {
        if (KeyCache.TryGetValue(view, out var cached) && ReferenceEquals(cached.Item1, definitions))
        {
            return cached.Item2;
        }
        var keys = layout.ForView(definitions, view);
        KeyCache.AddOrUpdate(view, Tuple.Create(definitions, keys));
        return keys;
    }

    private static int IndexOf(FeatureViewDefinition view, string feature)
    {
        for (var i = 0; i < view.Features.Count; i++)
        {
            if (view.Features[i].Name == feature)
            {
                return i;
            }
        }
        return -1;
    }

    private static int ValidateColumns(IReadOnlyDictionary<string, IReadOnlyList<object?>> columns)
    {
        string? first = null;
        var rowCount = 0;
        foreach (var (name, values) in columns.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (values is null)
            {
                throw new UserInputException($"Join key column '{name}' has no values.");
            }
            if (first is null)
            {
                first = name;
                rowCount = values.Count;
            }
            else if (values.Count != rowCount)
            {
                throw new UserInputException(
                    $"Join key column '{name}' has {values.Count} values but '{first}' has {rowCount}; every join key column needs one value per entity row.");
            }
        }
        return rowCount;
    }

    public OnlineReadResult BuildResult(Task<RedisValue[]>[][] replies, DateTimeOffset readTime, ILogger logger)
    {
        // Decode each (set, row, view) once, whatever number of its features were asked for.
        var decoded = new DecodedView?[EntitySets.Count][][];
        for (var s = 0; s < EntitySets.Count; s++)
        {
            var set = EntitySets[s];
            decoded[s] = new DecodedView?[set.Views.Count][];
            for (var v = 0; v < set.Views.Count; v++)
            {
                decoded[s][v] = new DecodedView?[RowCount];
                for (var row = 0; row < RowCount; row++)
                {
                    var reply = replies[s]?[row];
                    decoded[s][v][row] = reply is null ? null : Decode(set.Views[v], reply.Result[v], readTime, logger);
                }
            }
        }

        var columns = new IReadOnlyList<OnlineFeatureValue>[_features.Count];
        for (var f = 0; f < _features.Count; f++)
        {
            var (set, viewIndex, featureIndex) = _slots[f];
            var setIndex = EntitySetsIndexOf(set);
            var column = new OnlineFeatureValue[RowCount];
            for (var row = 0; row < RowCount; row++)
            {
                column[row] = decoded[setIndex][viewIndex][row] switch
                {
                    null => NotFound,
                    { Status: FeatureStatus.Present, Values: { } values } d => values[featureIndex] is { } value
                        ? new OnlineFeatureValue(value, FeatureStatus.Present, d.EventTimestamp)
                        : new OnlineFeatureValue(null, FeatureStatus.NullValue, d.EventTimestamp),
                    var d => new OnlineFeatureValue(null, d.Status, d.EventTimestamp),
                };
            }
            columns[f] = column;
        }
        return new OnlineReadResult(_features, columns);
    }

    private static readonly OnlineFeatureValue NotFound = new(null, FeatureStatus.NotFound, null);

    private int EntitySetsIndexOf(EntitySetRead set)
    {
        for (var i = 0; i < EntitySets.Count; i++)
        {
            if (ReferenceEquals(EntitySets[i], set))
            {
                return i;
            }
        }
        throw new InvalidOperationException("Entity set not in plan.");
    }

    private static DecodedView? Decode((FeatureViewDefinition View, FeatureValueCodec Codec) view, RedisValue stored, DateTimeOffset readTime, ILogger logger)
    {
        if (stored.IsNull)
        {
            return null;
        }
        ReadOnlyMemory<byte> bytes = stored;
        if (!StoredViewValue.TryRead(bytes.Span, out var eventMicros, out _, out var blob))
        {
            logger.LogWarning("Online value of view {View} is shorter than its header; treated as not found.", view.View.Name);
            return null;
        }
        var eventTimestamp = TimestampMicros.ToDateTimeOffset(eventMicros);
        if (!LatestValueRule.IsWithinTtl(eventTimestamp, readTime, view.View.Ttl))
        {
            // Older than the TTL allows: expired. Newer than the read time: the store only keeps the latest value,
            // which says nothing about the value as of the read time, so it is not found.
            return eventTimestamp > readTime
                ? null
                : new DecodedView(FeatureStatus.OutsideMaxAge, eventTimestamp, null);
        }
        var values = new object?[view.Codec.Features.Count];
        try
        {
            if (!view.Codec.TryDecode(blob, values))
            {
                // Written for another schema of the view: never decode old bytes as new ones.
                return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            logger.LogWarning("Online value of view {View} does not decode ({Error}); treated as not found.", view.View.Name, ex.Message);
            return null;
        }
        return new DecodedView(FeatureStatus.Present, eventTimestamp, values);
    }

    private sealed record DecodedView(FeatureStatus Status, DateTimeOffset EventTimestamp, object?[]? Values);
}
