using System.Globalization;
using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// Turns a view's checks into work for the offline engine (<see cref="RowChecksOf"/>) and judges what came back
/// (<see cref="Evaluate"/>): row-level checks from the rows the engine counted, <c>max_null_fraction</c> from the
/// profile, <c>max_drift_psi</c> from a drift report against the view's reference. A check's severity is the
/// feature's, else the view's, else error.
/// </summary>
public static class CheckEvaluator
{
    /// <summary>
    /// What the offline engine counts for a view: its features' row-level checks in feature order, plus a null count
    /// for each <c>max_null_fraction</c> without <c>not_null</c>, whose rows give that check its example keys.
    /// </summary>
    public static IReadOnlyList<RowCheck> RowChecksOf(FeatureViewDefinition view)
    {
        var checks = ConfiguredRowChecks(view).ToList();
        foreach (var feature in view.Features)
        {
            if (feature.Checks is { MaxNullFraction: not null, NotNull: not true })
            {
                checks.Add(new RowCheck(feature.Name, RowCheckKind.NotNull));
            }
        }
        return checks;
    }

    /// <summary>The row-level checks the view's YAML declares, in feature order.</summary>
    private static IReadOnlyList<RowCheck> ConfiguredRowChecks(FeatureViewDefinition view)
    {
        var checks = new List<RowCheck>();
        foreach (var feature in view.Features)
        {
            if (feature.Checks is not { } c)
            {
                continue;
            }
            if (c.NotNull == true)
            {
                checks.Add(new RowCheck(feature.Name, RowCheckKind.NotNull));
            }
            if (c.Min is { } min)
            {
                checks.Add(new RowCheck(feature.Name, RowCheckKind.Min, min));
            }
            if (c.Max is { } max)
            {
                checks.Add(new RowCheck(feature.Name, RowCheckKind.Max, max));
            }
            if (c.AllowedValues is { Count: > 0 } allowed)
            {
                checks.Add(new RowCheck(feature.Name, RowCheckKind.AllowedValues, Allowed: allowed));
            }
        }
        return checks;
    }

    /// <summary>True when the view has any check to run.</summary>
    public static bool HasChecks(FeatureViewDefinition view) =>
        view.Checks?.MaxDriftPsi is not null || view.Features.Any(f => f.Checks is not null);

    /// <summary>
    /// Every check of the view judged: row checks from <paramref name="selection"/>'s counts, null fractions from its
    /// profile, and drift from <paramref name="drift"/> (null when the view has no <c>max_drift_psi</c>, or when the
    /// reference could not be read: then <paramref name="referenceProblem"/> says why, and the drift check fails).
    /// </summary>
    public static IReadOnlyList<CheckResult> Evaluate(
        FeatureViewDefinition view, SelectionProfile selection, DriftReport? drift = null, string? referenceProblem = null)
    {
        var results = new List<CheckResult>();
        var counts = selection.Checks.ToDictionary(c => (c.Check.Feature, c.Check.Kind));
        foreach (var feature in view.Features)
        {
            if (feature.Checks is not { } checks)
            {
                continue;
            }
            var severity = SeverityOf(view, feature);
            var profile = selection.Profile.Find(feature.Name);
            foreach (var check in ConfiguredRowChecks(view).Where(c => c.Feature == feature.Name))
            {
                counts.TryGetValue((check.Feature, check.Kind), out var count);
                results.Add(RowResult(view, check, severity, count, profile));
            }
            if (checks.MaxNullFraction is { } limit && profile is not null)
            {
                var fraction = profile.NullFraction;
                results.Add(new CheckResult
                {
                    View = view.Name, Feature = feature.Name, Check = "max_null_fraction", Severity = severity,
                    Passed = fraction <= limit,
                    Observed = fraction <= limit ? $"null fraction {N(fraction)} <= {N(limit)}" : $"null fraction {N(fraction)} > {N(limit)}",
                    Rows = fraction <= limit ? 0 : profile.Nulls,
                    ExampleKeys = fraction <= limit ? [] : ExamplesOf(counts, feature.Name, RowCheckKind.NotNull),
                });
            }
        }
        if (view.Checks?.MaxDriftPsi is { } maxDrift)
        {
            results.AddRange(DriftResults(view, maxDrift, drift, referenceProblem));
        }
        return results;
    }

    public static CheckSeverity SeverityOf(FeatureViewDefinition view, FeatureDefinition? feature) =>
        feature?.Checks?.Severity ?? view.Checks?.Severity ?? CheckSeverity.Error;

    private static IReadOnlyList<string> ExamplesOf(
        Dictionary<(string, RowCheckKind), RowCheckCount> counts, string feature, RowCheckKind kind) =>
        counts.TryGetValue((feature, kind), out var count) ? count.ExampleKeys : [];

    private static CheckResult RowResult(FeatureViewDefinition view, RowCheck check, CheckSeverity severity, RowCheckCount? count, FeatureProfile? profile)
    {
        var rows = count?.Rows ?? 0;
        var passed = rows == 0;
        var numeric = profile?.Numeric;
        var observed = check.Kind switch
        {
            RowCheckKind.NotNull => passed ? "no nulls" : $"{C(rows)} null{(rows == 1 ? "" : "s")} (null fraction {N(profile?.NullFraction ?? 0)})",
            RowCheckKind.Min when passed => numeric?.Min is { } min ? $"min {N(min)} >= {N(check.Bound!.Value)}" : "no values",
            RowCheckKind.Min => numeric?.Min is { } min && min < check.Bound ? $"min {N(min)} < {N(check.Bound!.Value)}" : NaNs(numeric),
            RowCheckKind.Max when passed => numeric?.Max is { } max ? $"max {N(max)} <= {N(check.Bound!.Value)}" : "no values",
            RowCheckKind.Max => numeric?.Max is { } max && max > check.Bound ? $"max {N(max)} > {N(check.Bound!.Value)}" : NaNs(numeric),
            _ => passed
                ? $"every value in [{string.Join(", ", check.Allowed!)}]"
                : $"{C(rows)} value{(rows == 1 ? "" : "s")} not in [{string.Join(", ", check.Allowed!)}]",
        };
        return new CheckResult
        {
            View = view.Name, Feature = check.Feature, Check = check.Name, Severity = severity, Passed = passed,
            Observed = observed, Rows = rows, ExampleKeys = count?.ExampleKeys ?? [],
        };
    }

    private static string NaNs(NumericProfile? numeric) => $"{C(numeric?.Nans ?? 0)} NaN value{(numeric?.Nans == 1 ? "" : "s")}";

    private static IEnumerable<CheckResult> DriftResults(FeatureViewDefinition view, double maxDrift, DriftReport? drift, string? referenceProblem)
    {
        if (drift is null)
        {
            yield return new CheckResult
            {
                View = view.Name, Check = "max_drift_psi", Severity = SeverityOf(view, null), Passed = false,
                Observed = referenceProblem ?? $"no reference to compare with ({view.Reference ?? "none"})",
            };
            yield break;
        }
        foreach (var feature in drift.Features)
        {
            if (feature.Score is not { } score)
            {
                continue;
            }
            var name = feature.Method == DriftMethod.Psi ? "PSI" : "JS distance";
            var passed = feature.Verdict != DriftVerdict.Drift;
            yield return new CheckResult
            {
                View = view.Name, Feature = feature.Feature, Check = "max_drift_psi",
                Severity = SeverityOf(view, view.FindFeature(feature.Feature)), Passed = passed,
                Observed = $"{name} {N(score)} {(passed ? "<" : ">=")} {N(maxDrift)} against {drift.Reference}",
            };
        }
    }

    internal static string C(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A number as people read it: up to 4 significant decimals, no exponent for ordinary sizes.</summary>
    internal static string N(double value) =>
        Math.Abs(value) >= 1e15 || (value != 0 && Math.Abs(value) < 1e-4)
            ? value.ToString("G4", CultureInfo.InvariantCulture)
            : Math.Round(value, 4).ToString("0.####", CultureInfo.InvariantCulture);
}
