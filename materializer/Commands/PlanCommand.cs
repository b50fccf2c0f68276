using System.CommandLine;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore plan</c>: validates the repository and prints what <c>apply</c> would change in the registry,
/// object by object and field by field. It writes nothing.
/// </summary>
internal sealed class PlanCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var command = new Command("plan", "Show what 'apply' would change in the registry (objects added, removed, changed); changes nothing")
        {
            repo,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = await RepositoryLoader.LoadAsync(parseResult.GetValue(repo) ?? ".", StoreComposition.SourceSchemas, cancellationToken: cancellationToken);
            var registry = FileRegistry.ForConfig(repository.Config, context.LoggerFactory);
            var diff = await registry.PlanAsync(repository.Definitions, cancellationToken);
            if (diff.IsEmpty)
            {
                await context.Output.WriteLineAsync("No changes.");
                return CliApplication.Success;
            }
            foreach (var line in DiffFormatter.FormatLines(diff))
            {
                await context.Output.WriteLineAsync(line);
            }
            await context.Output.WriteLineAsync();
            await context.Output.WriteLineAsync($"Plan: {DiffFormatter.Summarize(diff)}.");
            return CliApplication.Success;
        });
        return command;
    }
}
