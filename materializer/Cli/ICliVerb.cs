using System.CommandLine;

namespace FeatureStore.Materializer.Cli;

/// <summary>
/// One verb of the <c>featurestore</c> command. Each verb lives in its own file under <c>Commands/</c> and is found
/// by reflection, so adding a verb touches no shared file.
/// </summary>
internal interface ICliVerb
{
    /// <summary>Builds the verb; its action returns the exit code (0 success, 1 failure).</summary>
    Command Build(CliContext context);

    /// <summary>
    /// True for a verb that handles Ctrl+C and SIGTERM itself (a host that shuts down in its own time, checkpointing
    /// the embedded store); the others get a cancellation token and two seconds to stop.
    /// </summary>
    bool HandlesTermination => false;
}
