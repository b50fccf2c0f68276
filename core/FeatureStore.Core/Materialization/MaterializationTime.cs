using System.Globalization;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Materialization;

/// <summary>
/// Parses the TIME arguments of the materialize verbs: ISO-8601 with an offset or <c>Z</c>
/// (<c>2024-05-01T00:00:00Z</c>), a date (<c>2024-05-01</c>, midnight UTC), or <c>now</c>. A time without offset
/// is taken as UTC, like naive timestamps in the data. Truncated to microseconds, DuckDB's precision.
/// </summary>
public static class MaterializationTime
{
    public static DateTimeOffset Parse(string? text, string optionName, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UserInputException($"{optionName} is required: give an ISO-8601 time such as 2024-05-01T00:00:00Z, or 'now'.");
        }
        var trimmed = text.Trim();
        if (string.Equals(trimmed, "now", StringComparison.OrdinalIgnoreCase))
        {
            return Truncate(now.ToUniversalTime());
        }
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            && trimmed.Any(char.IsDigit) && trimmed.Contains('-'))
        {
            return Truncate(parsed.ToUniversalTime());
        }
        throw new UserInputException(
            $"{optionName} '{text}' is not a time: give ISO-8601 such as 2024-05-01T00:00:00Z, or 'now'.");
    }

    /// <summary>The time at microsecond precision (DuckDB's), as every window end is.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
}
