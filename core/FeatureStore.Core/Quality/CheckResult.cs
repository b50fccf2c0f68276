using FeatureStore.Core.Definitions;

namespace FeatureStore.Core.Quality;

/// <summary>
/// The outcome of one check of one view (and feature; null for a check of the whole view). <see cref="Observed"/>
/// says what was seen in words (<c>null fraction 0.31 &gt; 0.01</c>, <c>max 7.5 &gt; 1</c>); <see cref="ExampleKeys"/>
/// names up to five entity keys of rejected rows, for row-level checks.
/// </summary>
public sealed record CheckResult
{
    public required string View { get; init; }

    public string? Feature { get; init; }

    /// <summary>The check's YAML name: not_null, min, max, max_null_fraction, allowed_values or max_drift_psi.</summary>
    public required string Check { get; init; }

    public required CheckSeverity Severity { get; init; }

    public required bool Passed { get; init; }

    public required string Observed { get; init; }

    /// <summary>Rows the check rejected (row-level checks; 0 otherwise).</summary>
    public long Rows { get; init; }

    public IReadOnlyList<string> ExampleKeys { get; init; } = [];

    /// <summary>Failed with severity error: the view's rows must not be written.</summary>
    public bool Blocks => !Passed && Severity == CheckSeverity.Error;

    /// <summary>One line for people: <c>error driver_hourly_stats.conv_rate max: max 7.5 &gt; 1 (3 rows; e.g. driver_id=1001)</c>.</summary>
    public override string ToString()
    {
        var status = Passed ? "ok" : Severity == CheckSeverity.Error ? "error" : "warn";
        var subject = Feature is null ? View : $"{View}.{Feature}";
        var rows = !Passed && Rows > 0 ? $" ({CheckEvaluator.C(Rows)} row{(Rows == 1 ? "" : "s")}" + (ExampleKeys.Count > 0 ? $"; e.g. {string.Join("; ", ExampleKeys)})" : ")") : "";
        return $"{status} {subject} {Check}: {Observed}{rows}";
    }
}
