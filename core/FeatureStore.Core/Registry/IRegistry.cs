using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Registry;

/// <summary>
/// The applied definitions and their history, plus materialization state. The server and every verb other than
/// plan/apply read definitions from here, never from the raw YAML.
/// </summary>
public interface IRegistry
{
    /// <summary>The newest applied version, or null when nothing was ever applied.</summary>
    Task<RegistryVersion?> GetCurrentAsync(CancellationToken cancellationToken = default);

    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(CancellationToken cancellationToken = default);

    /// <summary>What applying <paramref name="definitions"/> would change; changes nothing.</summary>
    Task<RegistryDiff> PlanAsync(DefinitionSet definitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a new version atomically, or none when the definitions are unchanged (returns the current one with
    /// <c>Created = false</c>). Concurrent applies never corrupt the registry.
    /// </summary>
    Task<ApplyResult> ApplyAsync(DefinitionSet definitions, CancellationToken cancellationToken = default);

    /// <summary>Materialization state of every view that has been materialized at least once.</summary>
    Task<IReadOnlyList<ViewMaterializationState>> GetMaterializationStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces one view's materialization state atomically (after a fully successful run).</summary>
    Task RecordMaterializationAsync(ViewMaterializationState state, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of an apply: the version now current and whether this call created it.</summary>
public sealed record ApplyResult(RegistryVersion Version, bool Created);
