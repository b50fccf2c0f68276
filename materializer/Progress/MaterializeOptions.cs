using System.CommandLine;

namespace FeatureStore.Materializer.Progress;

/// <summary>Options of the two materialize verbs, spelled the same in both.</summary>
internal static class MaterializeOptions
{
    public static Option<string?> Views() => new("--views")
    {
        Description = "Comma-separated feature views to materialize (default: every online view)",
    };

    public static Option<bool> Wait() => new("--wait")
    {
        Description = "Wait for another materialization of the same view to finish instead of refusing",
    };
}
