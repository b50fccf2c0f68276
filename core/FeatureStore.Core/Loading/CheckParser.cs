using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Quality;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads the quality settings of the definitions: a view's <c>checks:</c> (severity, max_drift_psi) and
/// <c>reference:</c>, and a feature's <c>checks:</c> (not_null, min, max, max_null_fraction, allowed_values,
/// severity). Every problem names the key at fault: unknown checks, checks that do not fit the feature's type, values
/// out of range, min above max, a drift limit without a reference.
/// </summary>
internal sealed class CheckParser(YamlNodeReader reader)
{
    public static readonly string[] ViewCheckKeys = ["severity", "max_drift_psi"];
    public static readonly string[] FeatureCheckKeys = ["not_null", "min", "max", "max_null_fraction", "allowed_values", "severity"];

    private static readonly ScalarType[] NumericTypes = [ScalarType.Int32, ScalarType.Int64, ScalarType.Float32, ScalarType.Float64];
    private static readonly ScalarType[] EnumerableTypes = [ScalarType.String, ScalarType.Int32, ScalarType.Int64];

    /// <summary>The view's <c>checks:</c> map; null when absent or unusable.</summary>
    public ViewChecks? ParseViewChecks(YamlNode? node, string viewWhat, out Located<double>? maxDriftPsi)
    {
        maxDriftPsi = null;
        if (node is null || reader.Map(node, $"checks of {viewWhat}") is not { } map)
        {
            return null;
        }
        var what = $"checks of {viewWhat}";
        var entries = reader.Entries(map, ViewCheckKeys, what);
        var severity = Severity(entries, what);
        if (Number(entries, "max_drift_psi", what) is { } limit)
        {
            if (limit.Value <= 0)
            {
                reader.Problems.Add(limit.Location, $"max_drift_psi of {viewWhat} must be above 0, not {Text(limit.Value)}");
            }
            else
            {
                maxDriftPsi = limit;
            }
        }
        return severity is null && maxDriftPsi is null ? null : new ViewChecks { Severity = severity, MaxDriftPsi = maxDriftPsi?.Value };
    }

    /// <summary>The view's <c>reference:</c>, checked for its form; null when absent or malformed.</summary>
    public string? ParseReference(YamlNode? node, string viewWhat)
    {
        if (reader.Scalar(node, $"reference of {viewWhat}") is not { } text)
        {
            return null;
        }
        if (!ProfileReference.TryParse(text.Value, asCurrent: false, DateTimeOffset.UtcNow, out var reference, out var problem))
        {
            reader.Problems.Add(text.Location, $"reference of {viewWhat}: {problem}");
            return null;
        }
        return reference.ToString();
    }

    /// <summary>A feature's <c>checks:</c> map, checked against its type (when the type could be read); null when absent or unusable.</summary>
    public FeatureChecks? ParseFeatureChecks(YamlNode? node, Located<FeatureType>? type, string featureWhat)
    {
        if (node is null || reader.Map(node, $"checks of {featureWhat}") is not { } map)
        {
            return null;
        }
        var what = $"checks of {featureWhat}";
        var entries = reader.Entries(map, FeatureCheckKeys, what);

        bool? notNull = null;
        if (reader.Scalar(YamlNodeReader.Optional(entries, "not_null"), "not_null") is { } notNullText)
        {
            notNull = notNullText.Value switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => null,
            };
            if (notNull is null)
            {
                reader.Problems.Add(notNullText.Location, $"not_null in {what} must be true or false, not '{notNullText.Value}'");
            }
        }

        var min = Number(entries, "min", what);
        var max = Number(entries, "max", what);
        foreach (var bound in new[] { (Key: "min", Value: min), (Key: "max", Value: max) })
        {
            if (bound.Value is { } b && type is { } t && (t.Value.IsList || !NumericTypes.Contains(t.Value.Scalar)))
            {
                reader.Problems.Add(b.Location, $"{bound.Key} in {what} does not fit type {t.Value}: min and max fit int32, int64, float32 and float64 features");
            }
        }
        if (min is { } low && max is { } high && low.Value > high.Value)
        {
            reader.Problems.Add(low.Location, $"min {Text(low.Value)} in {what} is above max {Text(high.Value)}");
        }

        var maxNullFraction = Number(entries, "max_null_fraction", what);
        if (maxNullFraction is { } fraction && fraction.Value is < 0 or > 1)
        {
            reader.Problems.Add(fraction.Location, $"max_null_fraction in {what} must be between 0 and 1, not {Text(fraction.Value)}");
        }

        var allowed = AllowedValues(entries, type, what);
        var severity = Severity(entries, what);
        var checks = new FeatureChecks
        {
            NotNull = notNull == true ? true : null,
            Min = min?.Value,
            Max = max?.Value,
            MaxNullFraction = maxNullFraction?.Value,
            AllowedValues = allowed,
            Severity = severity,
        };
        return checks == new FeatureChecks() ? null : checks;
    }

    private IReadOnlyList<string>? AllowedValues(IReadOnlyDictionary<string, MapEntry> entries, Located<FeatureType>? type, string what)
    {
        var node = YamlNodeReader.Optional(entries, "allowed_values");
        if (node is null || reader.ScalarList(node, $"allowed_values in {what}") is not { } values)
        {
            return null;
        }
        if (values.Count == 0)
        {
            reader.Problem(node, $"allowed_values in {what} lists no values; give at least one");
            return null;
        }
        if (type is not { } t)
        {
            return values.Select(v => v.Value).Distinct(StringComparer.Ordinal).ToArray();
        }
        if (t.Value.IsList || !EnumerableTypes.Contains(t.Value.Scalar))
        {
            reader.Problem(node, $"allowed_values in {what} does not fit type {t.Value}: it fits string, int32 and int64 features");
            return null;
        }
        var ok = true;
        foreach (var value in values)
        {
            var fits = t.Value.Scalar switch
            {
                ScalarType.Int32 => int.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                ScalarType.Int64 => long.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                _ => true,
            };
            if (!fits)
            {
                reader.Problems.Add(value.Location, $"allowed value '{value.Value}' in {what} is not a {t.Value} number");
                ok = false;
            }
        }
        return ok ? values.Select(v => Canonical(v.Value, t.Value.Scalar)).Distinct(StringComparer.Ordinal).ToArray() : null;
    }

    /// <summary>Integers as the plain digits they compare as (<c>+7</c> and <c>007</c> are <c>7</c>).</summary>
    private static string Canonical(string value, ScalarType type) => type switch
    {
        ScalarType.Int32 or ScalarType.Int64 => long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => value,
    };

    private CheckSeverity? Severity(IReadOnlyDictionary<string, MapEntry> entries, string what)
    {
        if (reader.Scalar(YamlNodeReader.Optional(entries, "severity"), "severity") is not { } text)
        {
            return null;
        }
        switch (text.Value)
        {
            case "error":
                return CheckSeverity.Error;
            case "warn":
                return CheckSeverity.Warn;
            default:
                reader.Problems.Add(text.Location, $"severity in {what} must be error or warn, not '{text.Value}'");
                return null;
        }
    }

    private Located<double>? Number(IReadOnlyDictionary<string, MapEntry> entries, string key, string what)
    {
        if (reader.Scalar(YamlNodeReader.Optional(entries, key), key) is not { } text)
        {
            return null;
        }
        if (double.TryParse(text.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return new Located<double>(value, text.Location);
        }
        reader.Problems.Add(text.Location, $"{key} in {what} must be a number, not '{text.Value}'");
        return null;
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
