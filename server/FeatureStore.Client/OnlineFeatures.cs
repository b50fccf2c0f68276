using FeatureStore.Protos.V1;

namespace FeatureStore.Client;

/// <summary>
/// A <see cref="GetOnlineFeaturesResponse"/> read by column name and row: the names in
/// <see cref="Names"/> (join keys first, then features), one row per requested entity in request order.
/// </summary>
public sealed class OnlineFeatures
{
    private readonly Dictionary<string, int> _index;

    public OnlineFeatures(GetOnlineFeaturesResponse response)
    {
        Response = response;
        Names = response.Metadata?.FeatureNames.ToArray() ?? [];
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Count; i++)
        {
            _index.TryAdd(Names[i], i);
        }
        RowCount = response.Results.Count == 0 ? 0 : response.Results[0].Statuses.Count;
    }

    /// <summary>The raw response, for callers that want the protobuf messages.</summary>
    public GetOnlineFeaturesResponse Response { get; }

    /// <summary>Column names: join keys, then features (<c>view__feature</c> with full feature names).</summary>
    public IReadOnlyList<string> Names { get; }

    public int RowCount { get; }

    /// <summary>The value of a column in a row as a CLR object (null unless present).</summary>
    public object? this[string name, int row]
    {
        get
        {
            var column = Column(name);
            return column.Statuses[row] == FieldStatus.Present ? ValueConversion.ToObject(column.Column, row) : null;
        }
    }

    /// <summary>The value of a column in a row, cast to <typeparamref name="T"/> (default when null).</summary>
    public T? Get<T>(string name, int row) => this[name, row] is T typed ? typed : default;

    public FieldStatus Status(string name, int row) => Column(name).Statuses[row];

    /// <summary>The event timestamp of the stored row, or null when there is none.</summary>
    public DateTimeOffset? EventTimestamp(string name, int row)
    {
        var micros = Column(name).EventTimestampsMicros[row];
        return micros == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>One row as name → value, for logging or feeding a model.</summary>
    public IReadOnlyDictionary<string, object?> Row(int row) =>
        Names.Distinct().ToDictionary(name => name, name => this[name, row], StringComparer.Ordinal);

    private GetOnlineFeaturesResponse.Types.FeatureVector Column(string name) =>
        _index.TryGetValue(name, out var i)
            ? Response.Results[i]
            : throw new KeyNotFoundException($"The response has no column '{name}'; it has: {string.Join(", ", Names)}.");
}
