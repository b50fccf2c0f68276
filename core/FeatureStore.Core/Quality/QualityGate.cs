using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Offline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Judges the rows a materialization selected before any is written: profiles them and counts what the row checks
/// reject in the offline engine's pass over the kept selection (<see cref="ILatestRowScan.ProfileAsync"/>), compares
/// the profile with the view's reference when it has one, and evaluates every check
/// (<see cref="CheckEvaluator"/>). Records each run's outcome with its profile (<see cref="IProfileStore"/>).
/// </summary>
public sealed class QualityGate(IProfileStore profiles, ProfileResolver references, ILogger<QualityGate>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public IProfileStore Profiles { get; } = profiles;

    public async Task<QualityVerdict> JudgeAsync(
        DefinitionSet definitions, FeatureViewDefinition view, string repositoryRoot, ILatestRowScan scan,
        DateTimeOffset? start, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        var selection = await scan.ProfileAsync(
            CheckEvaluator.RowChecksOf(view), ProfileResolver.WindowSubject(start, end), cancellationToken).ConfigureAwait(false);
        DriftReport? drift = null;
        string? referenceProblem = null;
        if (view.Reference is { } text)
        {
            try
            {
                var reference = ProfileReference.Parse(text, asCurrent: false, DateTimeOffset.UtcNow, $"reference of view '{view.Name}'");
                var referenceProfile = await references.ResolveAsync(definitions, view, repositoryRoot, reference, cancellationToken).ConfigureAwait(false);
                drift = DriftCalculator.Compare(referenceProfile, selection.Profile, DriftThresholds.For(view.Checks?.MaxDriftPsi));
            }
            catch (UserInputException ex)
            {
                referenceProblem = $"reference {text} cannot be read: {ex.Message}";
                _logger.LogWarning("Drift of view {View} not measured: {Problem}", view.Name, referenceProblem);
            }
        }
        var checks = CheckEvaluator.Evaluate(view, selection, drift, referenceProblem);
        return new QualityVerdict(view, start, end, selection, checks, drift);
    }

    /// <summary>Records a judged run; a failure to record is logged, never fatal (the record is history).</summary>
    public async Task RecordAsync(
        QualityVerdict verdict, RunOutcome outcome, DateTimeOffset ranAt, long registryVersion, CancellationToken cancellationToken = default)
    {
        try
        {
            await Profiles.RecordRunAsync(new ProfileRun
            {
                View = verdict.View.Name,
                RanAt = ranAt,
                Start = verdict.Start,
                End = verdict.End,
                RegistryVersion = registryVersion,
                Outcome = outcome,
                Profile = verdict.Selection.Profile,
                Checks = verdict.Checks,
                Drift = verdict.Drift,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StoreUnavailableException or UserInputException)
        {
            _logger.LogWarning("The profile of view {View} was not recorded: {Reason}", verdict.View.Name, ex.Message);
        }
    }
}
