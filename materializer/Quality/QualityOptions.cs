using System.CommandLine;

namespace FeatureStore.Materializer.Quality;

/// <summary>Options of the quality verbs (profile, check, drift), spelled the same in each.</summary>
internal static class QualityOptions
{
    public static Option<string> View() => new("--view") { Description = "The feature view", Required = true };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text" };

    public static Option<string?> Start() => new("--start") { Description = "Window start, ISO-8601 (2024-05-01T00:00:00Z) or 'now'" };

    public static Option<string?> End() => new("--end") { Description = "Window end, ISO-8601 or 'now'; the latest row per key at this time is profiled" };
}
