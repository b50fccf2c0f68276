using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore versions</c>: the registry's history, oldest first: number, UTC time, short content hash and a
/// one-line summary of what each version changed. Reads only featurestore.yaml and the registry.
/// </summary>
internal sealed class VersionsCommand : ICliVerb
{
    private static readonly string[] Header = ["VERSION", "APPLIED (UTC)", "HASH", "CHANGES"];

    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var command = new Command("versions", "List the applied registry versions with time, hash and a summary of each change")
        {
            repo,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".");
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var versions = await registry.ListVersionsAsync(cancellationToken);
            if (versions.Count == 0)
            {
                await context.Output.WriteLineAsync($"No versions in {registry.Folder} yet; run 'featurestore apply' to record one.");
                return CliApplication.Success;
            }
            var rows = versions.Select(v => new[]
            {
                v.Number.ToString(CultureInfo.InvariantCulture),
                v.AppliedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                v.ShortHash(),
                DiffFormatter.Summarize(v.Diff),
            }).ToList();
            foreach (var line in Table(rows))
            {
                await context.Output.WriteLineAsync(line);
            }
            return CliApplication.Success;
        });
        return command;
    }

    /// <summary>Plain aligned columns (no box drawing), so the output is stable for scripts and tests.</summary>
    private static IEnumerable<string> Table(List<string[]> rows)
    {
        var all = rows.Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length - 1).Select(c => all.Max(r => r[c].Length)).ToArray();
        return all.Select(r => string.Join("  ", r.Take(widths.Length).Select((cell, c) => cell.PadRight(widths[c])).Append(r[^1])));
    }
}
