using System.CommandLine;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Online;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore apply</c>: validates the repository, then records its definitions as a new registry version
/// (atomically; unchanged definitions record nothing). Every other verb and the server read what was applied.
/// </summary>
internal sealed class ApplyCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var command = new Command("apply", "Validate the definitions and record them as a new registry version")
        {
            repo,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var repository = await RepositoryLoader.LoadAsync(parseResult.GetValue(repo) ?? ".", cancellationToken: cancellationToken);
            var registry = FileRegistry.ForConfig(repository.Config, context.LoggerFactory);
            var result = await registry.ApplyAsync(repository.Definitions, cancellationToken);
            var version = result.Version;
            if (!result.Created)
            {
                await context.Output.WriteLineAsync($"No changes; registry stays at version {version.Number}.");
                return CliApplication.Success;
            }
            foreach (var line in DiffFormatter.FormatLines(version.Diff))
            {
                await context.Output.WriteLineAsync(line);
            }
            await context.Output.WriteLineAsync();
            await context.Output.WriteLineAsync($"Applied version {version.Number} (hash {version.ShortHash()}): {DiffFormatter.Summarize(version.Diff)}");

            // Online store: free the Redis data of views removed, turned offline or changed (best effort; see OnlineDataCleanup).
            if (OnlineDataCleanup.IsNeeded(version.Diff))
            {
                var (removed, warning) = await OnlineDataCleanup.AfterApplyAsync(repository.Config, version, context.LoggerFactory, cancellationToken);
                if (removed is not null)
                {
                    await context.Output.WriteLineAsync(removed);
                }
                if (warning is not null)
                {
                    await context.Error.WriteLineAsync(warning);
                }
            }
            return CliApplication.Success;
        });
        return command;
    }
}
