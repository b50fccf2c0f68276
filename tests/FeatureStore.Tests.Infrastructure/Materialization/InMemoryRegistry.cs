using FeatureStore.Core.Definitions;
using FeatureStore.Core.Registry;

namespace FeatureStore.Tests.Materialization;

/// <summary>
/// Holds materialization state in memory for engine tests that are about Redis and DuckDB, not about the registry's
/// storage (the CLI tests use the real file registry).
/// </summary>
internal sealed class InMemoryRegistry : IRegistry
{
    private readonly Dictionary<string, ViewMaterializationState> _states = new(StringComparer.Ordinal);

    public Task<RegistryVersion?> GetCurrentAsync(CancellationToken cancellationToken = default) => Task.FromResult<RegistryVersion?>(null);

    public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RegistryVersion>>([]);

    public Task<RegistryDiff> PlanAsync(DefinitionSet definitions, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<ApplyResult> ApplyAsync(DefinitionSet definitions, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<ViewMaterializationState>> GetMaterializationStateAsync(CancellationToken cancellationToken = default)
    {
        lock (_states)
        {
            return Task.FromResult<IReadOnlyList<ViewMaterializationState>>(_states.Values.ToArray());
        }
    }

    public Task RecordMaterializationAsync(ViewMaterializationState state, CancellationToken cancellationToken = default)
    {
        lock (_states)
        {
            _states[state.View] = state;
        }
        return Task.CompletedTask;
    }

    public ViewMaterializationState? StateOf(string view)
    {
        lock (_states)
        {
            return _states.GetValueOrDefault(view);
        }
    }
}
