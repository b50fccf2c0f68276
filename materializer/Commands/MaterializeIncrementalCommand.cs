using System.CommandLine;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Progress;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore materialize-incremental --end TIME</c>: like <c>materialize</c>, each view starting at its
/// watermark (the end of its last successful run), or at <c>end - ttl</c> the first time (all data when ttl is 0).
/// </summary>
internal sealed class MaterializeIncrementalCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var end = new Option<string>("--end") { Description = "Window end, ISO-8601 (2024-05-01T00:00:00Z) or 'now'", Required = true };
        var views = MaterializeOptions.Views();
        var wait = MaterializeOptions.Wait();
        var command = new Command("materialize-incremental", "Load feature values from each view's watermark up to --end into the online store")
        {
            repo, end, views, redis, wait,
        };
        command.SetAction((parseResult, cancellationToken) => MaterializationRunner.RunAsync(
            context, parseResult.GetValue(repo) ?? ".", parseResult.GetValue(redis), startText: null,
            parseResult.GetValue(end)!, parseResult.GetValue(views), parseResult.GetValue(wait), cancellationToken));
        return command;
    }
}
