using System.CommandLine;

namespace FeatureStore.Materializer.Cli;

/// <summary>Options shared by several verbs, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Repo() => new("--repo")
    {
        Description = "Feature repository folder (holding featurestore.yaml)",
        DefaultValueFactory = _ => ".",
    };

    /// <summary>Overrides online_store.connection_string from featurestore.yaml and FEATURESTORE_REDIS.</summary>
    public static Option<string?> Redis() => new("--redis")
    {
        Description = "Redis connection string; overrides featurestore.yaml and FEATURESTORE_REDIS",
    };
}
