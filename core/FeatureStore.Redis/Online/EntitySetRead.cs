using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// The views of one entity set in a read and the hash fields to read; immutable once its plan is built, so one
/// instance serves every request for the same features. <see cref="BuildKeys"/> gives each request's Redis keys.
/// </summary>
internal sealed class EntitySetRead(EntitySetKeys keys)
{
    private readonly List<(FeatureViewDefinition View, FeatureValueCodec Codec)> _views = [];

    public EntitySetKeys Keys { get; } = keys;

    public IReadOnlyList<(FeatureViewDefinition View, FeatureValueCodec Codec)> Views => _views;

    /// <summary>The hash fields to HMGET, one per view, in <see cref="Views"/> order.</summary>
    public RedisValue[] Fields { get; private set; } = [];

    public int AddView(FeatureViewDefinition view, FeatureValueCodec codec)
    {
        for (var i = 0; i < _views.Count; i++)
        {
            if (_views[i].View.Name == view.Name)
            {
                return i;
            }
        }
        _views.Add((view, codec));
        Fields = _views.Select(v => OnlineKeyLayout.ViewField(v.View.Name)).ToArray();
        return _views.Count - 1;
    }

    /// <summary>The Redis key of each entity row (null: a key value is missing, which matches nothing).</summary>
    public RedisKey?[] BuildKeys(IReadOnlyDictionary<string, IReadOnlyList<object?>> columns, int rowCount)
    {
        var keyColumns = new IReadOnlyList<object?>[Keys.Entities.Count];
        for (var e = 0; e < Keys.Entities.Count; e++)
        {
            var entity = Keys.Entities[e];
            if (!columns.TryGetValue(entity.JoinKey, out var column))
            {
                throw new UserInputException(
                    $"Missing join key '{entity.JoinKey}' (entity '{entity.Name}'), needed by feature view '{_views[0].View.Name}'.");
            }
            keyColumns[e] = column;
        }
        var writer = new EntityKeyWriter();
        var rowKeys = new RedisKey?[rowCount];
        for (var row = 0; row < rowCount; row++)
        {
            writer.Reset();
            var complete = true;
            for (var e = 0; e < keyColumns.Length && complete; e++)
            {
                var value = keyColumns[e][row];
                if (value is null)
                {
                    // A missing key value matches nothing, as in a training-set join: NOT_FOUND, not an error.
                    complete = false;
                }
                else if (!writer.TryAppend(Keys.Entities[e].ValueType.Scalar, value))
                {
                    var entity = Keys.Entities[e];
                    throw new UserInputException(
                        $"Join key '{entity.JoinKey}' row {row}: entity '{entity.Name}' has type {entity.ValueType} " +
                        $"(expected {ExpectedClrType(entity.ValueType.Scalar)}), got {value.GetType().Name} '{value}'.");
                }
            }
            rowKeys[row] = complete ? (RedisKey)Keys.BuildKey(writer.Written) : (RedisKey?)null;
        }
        return rowKeys;
    }

    private static string ExpectedClrType(ScalarType type) => type switch
    {
        ScalarType.Int64 => "long",
        ScalarType.Int32 => "int",
        ScalarType.String => "string",
        ScalarType.Bytes => "byte[]",
        ScalarType.Bool => "bool",
        ScalarType.Timestamp => "DateTimeOffset",
        _ => type.ToString(),
    };
}
