using System.CommandLine;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Progress;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore materialize --start TIME --end TIME</c>: loads the latest value per entity with start &lt;= event
/// time &lt;= end of every online view (or of <c>--views</c>) into Redis. Never moves a value back in time; a rerun
/// changes nothing. Definitions come from the applied registry.
/// </summary>
internal sealed class MaterializeCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var start = new Option<string>("--start") { Description = "Window start, ISO-8601 (2024-05-01T00:00:00Z) or 'now'", Required = true };
        var end = new Option<string>("--end") { Description = "Window end, ISO-8601 or 'now'", Required = true };
        var views = MaterializeOptions.Views();
        var wait = MaterializeOptions.Wait();
        var command = new Command("materialize", "Load the latest feature values of a time window into the online store")
        {
            repo, start, end, views, redis, wait,
        };
        command.SetAction((parseResult, cancellationToken) => MaterializationRunner.RunAsync(
            context, parseResult.GetValue(repo) ?? ".", parseResult.GetValue(redis), parseResult.GetValue(start)!,
            parseResult.GetValue(end)!, parseResult.GetValue(views), parseResult.GetValue(wait), cancellationToken));
        return command;
    }
}
