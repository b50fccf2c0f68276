using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// A validated online read: the requested features resolved against the request's definitions (never anything
/// else, so a view absent from them is never served), grouped by entity set, with one Redis key per entity row and
/// set. Turns the HMGET replies into statuses with the shared <see cref="LatestValueRule"/>.
/// </summary>
internal sealed class OnlineReadPlan
{
    private readonly Shape _shape;

    private OnlineReadPlan(Shape shape, int rowCount, RedisKey?[][] rowKeys)
    {
        _shape = shape;
        RowCount = rowCount;
        RowKeys = rowKeys;
    }

    public int RowCount { get; }

    public IReadOnlyList<EntitySetRead> EntitySets => _shape.Sets;

    /// <summary>Per entity set (same order as <see cref="EntitySets"/>), the Redis key of each row; null where a key value is missing.</summary>
    public IReadOnlyList<RedisKey?[]> RowKeys { get; }

    public static OnlineReadPlan Create(OnlineReadRequest request, ReadPlanCache.Entry cache)
    {
        ArgumentNullException.ThrowIfNull(request);
        var shape = cache.Shape(request.Features, features => ShapeOf(cache, features));
        var rowCount = ValidateColumns(request.EntityColumns);
        var rowKeys = new RedisKey?[shape.Sets.Count][];
        for (var s = 0; s < shape.Sets.Count; s++)
        {
            rowKeys[s] = shape.Sets[s].BuildKeys(request.EntityColumns, rowCount);
        }
        return new OnlineReadPlan(shape, rowCount, rowKeys);
    }

    /// <summary>
    /// What a list of features reads: its entity sets with their views and fields, and where each feature sits.
    /// Built once per feature list and definition set (see <see cref="ReadPlanCache"/>).
    /// </summary>
    internal sealed record Shape(IReadOnlyList<FeatureReference> Features, List<EntitySetRead> Sets, (EntitySetRead Set, int ViewIndex, int FeatureIndex)[] Slots);

    private static Shape ShapeOf(ReadPlanCache.Entry cache, IReadOnlyList<FeatureReference> features)
    {
        var definitions = cache.Definitions;
        var sets = new List<EntitySetRead>();
        var slots = new (EntitySetRead, int, int)[features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            var reference = features[i];
            var view = definitions.FeatureViews.FirstOrDefault(v => v.Name == reference.View)
                       ?? throw new NotFoundException($"Unknown feature view '{reference.View}' (in '{reference}').");
            var featureIndex = IndexOf(view, reference.Feature);
            if (featureIndex < 0)
            {
                throw new NotFoundException($"Feature view '{view.Name}' has no feature '{reference.Feature}'.");
            }
            view.EnsureServedOnline();
            var keys = cache.Keys(view);
            var set = sets.FirstOrDefault(s => s.Keys.Name == keys.Name);
            if (set is null)
            {
                set = new EntitySetRead(keys);
                sets.Add(set);
            }
            slots[i] = (set, set.AddView(view, cache.Codec(view)), featureIndex);
        }
        return new Shape(features.ToArray(), sets, slots);
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
        var columns = new FeatureColumn[_shape.Features.Count];
        for (var f = 0; f < _shape.Features.Count; f++)
        {
            var (set, viewIndex, featureIndex) = _shape.Slots[f];
            columns[f] = new FeatureColumn(set.Views[viewIndex].View.Features[featureIndex].Type, RowCount);
        }
        for (var s = 0; s < EntitySets.Count; s++)
        {
            var set = EntitySets[s];
            for (var v = 0; v < set.Views.Count; v++)
            {
                var (targets, sameFeature) = TargetsOf(set, v, columns);
                for (var row = 0; row < RowCount; row++)
                {
                    if (replies[s]?[row] is { } reply)
                    {
                        Decode(set.Views[v], reply.Result[v], row, targets, readTime, logger);
                    }
                }
                foreach (var (copy, source) in sameFeature)
                {
                    copy.CopyFrom(source);
                }
            }
        }
        return new OnlineReadResult(_shape.Features, columns);
    }

    /// <summary>
    /// The column each feature of a view decodes into (null: not asked for), and the columns of features asked for
    /// more than once, which copy the first one's entries.
    /// </summary>
    private (FeatureColumn?[] Targets, List<(FeatureColumn Copy, FeatureColumn Source)> SameFeature) TargetsOf(
        EntitySetRead set, int viewIndex, FeatureColumn[] columns)
    {
        var targets = new FeatureColumn?[set.Views[viewIndex].Codec.Features.Count];
        var sameFeature = new List<(FeatureColumn, FeatureColumn)>();
        for (var f = 0; f < _shape.Slots.Length; f++)
        {
            var (slotSet, slotView, featureIndex) = _shape.Slots[f];
            if (!ReferenceEquals(slotSet, set) || slotView != viewIndex)
            {
                continue;
            }
            if (targets[featureIndex] is { } first)
            {
                sameFeature.Add((columns[f], first));
            }
            else
            {
                targets[featureIndex] = columns[f];
            }
        }
        return (targets, sameFeature);
    }

    /// <summary>
    /// One stored view value into the row of its requested columns. Missing, written for another schema, corrupt, or
    /// newer than the read time: NOT_FOUND (the store keeps only the latest value, which says nothing about an
    /// earlier read time). Older than the view's TTL allows: OUTSIDE_MAX_AGE, through the shared <see cref="LatestValueRule"/>.
    /// </summary>
    private static void Decode(
        (FeatureViewDefinition View, FeatureValueCodec Codec) view, RedisValue stored, int row, FeatureColumn?[] targets,
        DateTimeOffset readTime, ILogger logger)
    {
        if (stored.IsNull)
        {
            return;
        }
        ReadOnlyMemory<byte> bytes = stored;
        if (!StoredViewValue.TryRead(bytes.Span, out var version, out var blob))
        {
            logger.LogWarning("Online value of view {View} is shorter than its header; treated as not found.", view.View.Name);
            return;
        }
        var eventMicros = version.EventMicros;
        var eventTimestamp = TimestampMicros.ToDateTimeOffset(eventMicros);
        if (!LatestValueRule.IsWithinTtl(eventTimestamp, readTime, view.View.Ttl))
        {
            if (eventTimestamp <= readTime)
            {
                SetRow(targets, row, FeatureStatus.OutsideMaxAge, eventMicros);
            }
            return;
        }
        SetRow(targets, row, FeatureStatus.Present, eventMicros);
        try
        {
            if (view.Codec.TryDecodeInto(blob, row, targets))
            {
                return;
            }
            // Written for another schema of the view: never decode old bytes as new ones.
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            logger.LogWarning("Online value of view {View} does not decode ({Error}); treated as not found.", view.View.Name, ex.Message);
        }
        SetRow(targets, row, FeatureStatus.NotFound, TimestampMicros.Missing);
    }

    private static void SetRow(FeatureColumn?[] targets, int row, FeatureStatus status, long eventMicros)
    {
        foreach (var target in targets)
        {
            target?.SetRow(row, status, eventMicros);
        }
    }
}
