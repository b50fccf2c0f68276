using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore teardown</c>: deletes the project's online data (every key under its prefix, on every primary),
/// after a yes on the terminal or with <c>--yes</c>. The registry and the offline data stay as they are.
/// </summary>
internal sealed class TeardownCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation" };
        var command = new Command("teardown",
            "Delete the project's online data (every key of the project in the online store); the registry and the offline data are kept")
        {
            repo, yes, redis,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".", new ConfigOverrides(RedisConnectionString: parseResult.GetValue(redis)));
            var where = StoreComposition.DescribeOnline(config);
            if (!parseResult.GetValue(yes) && !await ConfirmAsync(context, $"Delete all online data of project '{config.Project}' from the online store ({where})? [y/N] "))
            {
                await context.Error.WriteLineAsync("Nothing deleted.");
                return CliApplication.Failure;
            }
            await using var store = await StoreComposition.OpenOnlineAsync(config, context, cancellationToken);
            var deleted = await store.RemoveProjectAsync(config.Project, cancellationToken);
            await context.Output.WriteLineAsync(
                $"Deleted {deleted.ToString("N0", CultureInfo.InvariantCulture)} keys of project '{config.Project}' from {store.Description}. " +
                "The registry and the offline data are unchanged.");
            await context.Output.WriteLineAsync(
                "materialize-incremental continues from the recorded watermarks; to load the data again, run " +
                "'featurestore materialize --start <TIME> --end now'.");
            return CliApplication.Success;
        });
        return command;
    }

    /// <summary>Asks on stderr, reads the answer from the input; without anyone to ask, refuses.</summary>
    private static async Task<bool> ConfirmAsync(CliContext context, string question)
    {
        if (context.Input is null)
        {
            throw new UserInputException("teardown deletes data and there is no terminal to confirm it on; pass --yes.");
        }
        await context.Error.WriteAsync(question);
        await context.Error.FlushAsync();
        var answer = (await context.Input.ReadLineAsync())?.Trim();
        if (answer is null)
        {
            await context.Error.WriteLineAsync();
            throw new UserInputException("No answer (standard input ended); nothing deleted. Pass --yes to confirm without a question.");
        }
        return answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase);
    }
}
