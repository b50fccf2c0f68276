using System.CommandLine;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Offline;
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
            var repository = await RepositoryLoader.LoadAsync(parseResult.GetValue(repo) ?? ".", StoreComposition.SourceSchemas, cancellationToken: cancellationToken);
            foreach (var note in PushSourceNotes(repository))
            {
                await context.Output.WriteLineAsync($"note: {note}");
            }
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

            if (version.Diff.RemovesOnlineData)
            {
                await RemoveStaleOnlineDataAsync(context, repository.Config, version, cancellationToken);
            }
            return CliApplication.Success;
        });
        return command;
    }

    /// <summary>
    /// Push sources whose views could receive offline pushes that their batch source cannot take (it reads a single
    /// file, or a glob without a place for new files): they accept online pushes only, which apply says up front.
    /// </summary>
    private static IEnumerable<string> PushSourceNotes(LoadedRepository repository)
    {
        var definitions = repository.Definitions;
        foreach (var source in definitions.Sources.Where(s => s.IsPush && definitions.ViewsOf(s).Count > 0))
        {
            if (PushFileLocation.TryFor(definitions.BatchSourceOf(source), repository.Config.Root, out var problem) is null)
            {
                yield return $"push source '{source.Name}' accepts online pushes only: {problem}.";
            }
        }
    }

    /// <summary>
    /// Frees the online data of views removed, turned offline or changed, right away rather than at the next
    /// materialization. Best effort: reads never serve such data, and every materialization runs the same cleanup.
    /// </summary>
    private static async Task RemoveStaleOnlineDataAsync(CliContext context, RepositoryConfig config, RegistryVersion version, CancellationToken cancellationToken)
    {
        string? where = null;
        try
        {
            await using var store = await StoreComposition.OpenOnlineAsync(config, context, cancellationToken, StoreComposition.BestEffort);
            where = store.Description;
            var removed = await store.RemoveStaleViewsAsync(version.Definitions, version.Number, cancellationToken);
            if (removed.Count > 0)
            {
                await context.Output.WriteLineAsync($"Removed online data of feature views no longer served as defined: {string.Join(", ", removed)}.");
            }
        }
        catch (StoreUnavailableException ex)
        {
            await context.Error.WriteLineAsync(
                $"warning: could not reach the online store{(where is null ? "" : $" at {where}")} to remove data of removed or changed " +
                $"feature views ({ex.Message}); reads never serve it, and the next materialize removes it.");
        }
    }
}
