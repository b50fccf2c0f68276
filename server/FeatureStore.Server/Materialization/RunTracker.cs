using FeatureStore.Core.Materialization;

namespace FeatureStore.Server.Materialization;

/// <summary>
/// Follows one engine run through its progress reports. The first report comes once every check has passed and every
/// lock is held (the engine checks views, times, sources and locks before it writes), so <see cref="Started"/> tells
/// an asynchronous request that its run was accepted; <see cref="CurrentView"/> names the view a failure belongs to.
/// </summary>
internal sealed class RunTracker : IProgress<MaterializationProgress>
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _currentView;

    /// <summary>Completes at the first progress report: the run passed its checks and is writing.</summary>
    public Task Started => _started.Task;

    /// <summary>The view being written, null before the run started writing.</summary>
    public string? CurrentView => _currentView;

    public void Report(MaterializationProgress value)
    {
        _currentView = value.View;
        _started.TrySetResult();
    }
}
