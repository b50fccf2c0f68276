using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Serving;

namespace FeatureStore.Materializer.Lookup;

/// <summary>
/// Turns <c>--entity KEY=VALUE[,KEY=VALUE]</c> arguments (one per entity row; several keys for a composite key) into
/// the entity columns of a lookup, each value parsed as its entity's declared type. Every error names the argument,
/// the key and what was expected.
/// </summary>
internal static class EntityArguments
{
    /// <summary>
    /// The columns, join keys in the order the first row names them. <paramref name="features"/> are the features
    /// asked for: every join key their views need must be given, and a join key shared by entities of different
    /// types is read as the type of the entity those views use.
    /// </summary>
    public static IReadOnlyList<EntityColumn> Parse(
        IReadOnlyList<string> rows, DefinitionSet definitions, IReadOnlyList<FeatureReference> features)
    {
        if (rows.Count == 0)
        {
            throw new UserInputException("Give at least one --entity KEY=VALUE (one per entity row, e.g. --entity driver_id=1001).");
        }
        var needed = NeededEntities(definitions, features);
        var parsed = rows.Select((row, index) => Split(row, index)).ToArray();
        var keys = parsed[0].Select(pair => pair.Key).ToArray();
        for (var row = 1; row < parsed.Length; row++)
        {
            var these = parsed[row].Select(pair => pair.Key).ToArray();
            if (!these.Order(StringComparer.Ordinal).SequenceEqual(keys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                throw new UserInputException(
                    $"--entity '{rows[row]}' gives {string.Join(", ", these)} but the first --entity gives {string.Join(", ", keys)}: every entity row needs the same join keys.");
            }
        }
        foreach (var (joinKey, entity) in needed)
        {
            if (!keys.Contains(joinKey, StringComparer.Ordinal))
            {
                var view = features.Select(f => definitions.GetFeatureView(f.View)).First(v => definitions.EntitiesOf(v).Contains(entity));
                throw new UserInputException(
                    $"--entity must give {joinKey}: feature view '{view.Name}' is keyed by entity '{entity.Name}' (e.g. --entity {joinKey}={Example(entity.ValueType)}).");
            }
        }
        var columns = new List<EntityColumn>(keys.Length);
        foreach (var joinKey in keys)
        {
            var entity = needed.TryGetValue(joinKey, out var used)
                ? used
                : definitions.Entities.FirstOrDefault(e => e.JoinKey == joinKey)
                  ?? throw new UserInputException(
                      $"--entity {joinKey}: '{joinKey}' is not the join key of any entity; known join keys: " +
                      $"{string.Join(", ", definitions.Entities.Select(e => e.JoinKey).Distinct().Order(StringComparer.Ordinal))}.");
            var values = new object?[parsed.Length];
            for (var row = 0; row < parsed.Length; row++)
            {
                values[row] = Convert(parsed[row].First(pair => pair.Key == joinKey).Value, entity, rows[row]);
            }
            columns.Add(new EntityColumn(joinKey, values));
        }
        return columns;
    }

    /// <summary>One <c>--entity</c> argument as (join key, value text) pairs.</summary>
    private static List<KeyValuePair<string, string>> Split(string argument, int index)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in argument.Split(',', StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
            {
                throw new UserInputException(
                    $"--entity '{argument}' (entity row {index + 1}): '{part}' is not KEY=VALUE; write e.g. --entity driver_id=1001 or --entity driver_id=1001,customer_id=2001.");
            }
            var key = part[..equals].Trim();
            if (pairs.Any(pair => pair.Key == key))
            {
                throw new UserInputException($"--entity '{argument}' (entity row {index + 1}) gives {key} twice.");
            }
            pairs.Add(KeyValuePair.Create(key, part[(equals + 1)..].Trim()));
        }
        return pairs;
    }

    private static Dictionary<string, EntityDefinition> NeededEntities(DefinitionSet definitions, IReadOnlyList<FeatureReference> features)
    {
        var needed = new Dictionary<string, EntityDefinition>(StringComparer.Ordinal);
        foreach (var view in features.Select(f => f.View).Distinct(StringComparer.Ordinal))
        {
            foreach (var entity in definitions.EntitiesOf(definitions.GetFeatureView(view)))
            {
                needed.TryAdd(entity.JoinKey, entity);
            }
        }
        return needed;
    }

    /// <summary>The value as the CLR type of the entity's key (long, int, string, byte[]).</summary>
    internal static object Convert(string text, EntityDefinition entity, string argument)
    {
        var type = entity.ValueType;
        var where = $"--entity '{argument}': {entity.JoinKey} is the {type} key of entity '{entity.Name}'";
        if (type.IsList)
        {
            throw new UserInputException($"{where}; list join keys are not supported.");
        }
        switch (type.Scalar)
        {
            case ScalarType.Int64:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw new UserInputException($"{where}, and '{text}' is not a whole number{Range(text, "int64")}.");
            case ScalarType.Int32:
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    ? i
                    : throw new UserInputException($"{where}, and '{text}' is not a whole number{Range(text, "int32")}.");
            case ScalarType.String:
                return text;
            case ScalarType.Bytes:
                try
                {
                    return System.Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    throw new UserInputException($"{where}, written in base64, and '{text}' is not base64.");
                }
            default:
                throw new UserInputException($"{where}; only int32, int64, string and bytes keys are supported.");
        }
    }

    /// <summary>Says so when the text is a whole number that only fails for its size.</summary>
    private static string Range(string text, string type) =>
        System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $" that fits {type}"
            : "";

    private static string Example(FeatureType type) => type.Scalar switch
    {
        ScalarType.String => "abc",
        ScalarType.Bytes => "AAE=",
        _ => "1001",
    };
}
