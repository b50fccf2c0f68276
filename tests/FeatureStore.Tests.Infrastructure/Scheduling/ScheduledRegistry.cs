using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;
using FeatureStore.Tests.Materialization;

namespace FeatureStore.Tests.Scheduling;

/// <summary>
/// A registry in memory whose current version holds given definitions (the worker reads them from the registry),
/// counting the runs recorded per view: a view recorded twice for one occurrence was run twice.
/// </summary>
internal sealed class ScheduledRegistry(Func<DefinitionSet> definitions) : IRegistry
{
    private readonly InMemoryRegistry _state = new();
    private readonly Dictionary<string, int> _records = new(StringComparer.Ordinal);

    public Task<RegistryVersion?> GetCurrentAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<RegistryVersion?>(new RegistryVersion(1, DateTimeOffset.UnixEpoch, "test", definitions(), RegistryDiff.Empty));

    public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<RegistryDiff> PlanAsync(DefinitionSet definitions, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<ApplyResult> ApplyAsync(DefinitionSet definitions, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<ViewMaterializationState>> GetMaterializationStateAsync(CancellationToken cancellationToken = default) =>
        _state.GetMaterializationStateAsync(cancellationToken);

    public Task RecordMaterializationAsync(ViewMaterializationState state, CancellationToken cancellationToken = default)
    {
        lock (_records)
        {
            _records[state.View] = _records.GetValueOrDefault(state.View) + 1;
        }
        return _state.RecordMaterializationAsync(state, cancellationToken);
    }

    /// <summary>Records a state as an earlier run would have, without counting it as a run.</summary>
    public Task SeedAsync(string view, DateTimeOffset watermark) => _state.RecordMaterializationAsync(
        new ViewMaterializationState(view, watermark, watermark, null, watermark, 0, TimeSpan.Zero));

    public ViewMaterializationState? StateOf(string view) => _state.StateOf(view);

    public int RunsRecorded(string view)
    {
        lock (_records)
        {
            return _records.GetValueOrDefault(view);
        }
    }
}
