using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Quality;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore check --view V --start T --end T [--json]</c>: runs the view's checks on the rows a materialization
/// of the window would write, and writes nothing. Exits 1 when an error check fails, as materialize would.
/// </summary>
internal sealed class CheckCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var view = QualityOptions.View();
        var start = QualityOptions.Start();
        start.Required = true;
        var end = QualityOptions.End();
        end.Required = true;
        var json = QualityOptions.Json();
        var command = new Command("check", "Run a feature view's checks on a window's latest rows without writing anything")
        {
            repo, view, start, end, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".");
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var definitions = (await registry.RequireCurrentAsync(cancellationToken)).Definitions;
            var featureView = definitions.GetFeatureView(parseResult.GetValue(view)!);
            var now = DateTimeOffset.UtcNow;
            var from = MaterializationTime.Parse(parseResult.GetValue(start), "--start", now);
            var to = MaterializationTime.Parse(parseResult.GetValue(end), "--end", now);
            if (to < from)
            {
                throw new UserInputException($"--end {to:O} is before --start {from:O}; the window must run forward.");
            }

            var gate = StoreComposition.Quality(config, context);
            await using var scan = await StoreComposition.Offline(context).PrepareLatestRowsAsync(
                new LatestRowsRequest(definitions, featureView, config.Root, from, to), cancellationToken);
            var verdict = await gate.JudgeAsync(definitions, featureView, config.Root, scan, from, to, cancellationToken);

            if (parseResult.GetValue(json))
            {
                await context.Output.WriteLineAsync(ProfileJson.Serialize(new CheckReport(
                    featureView.Name, verdict.Selection.Profile.Subject, verdict.Selection.Profile.RowCount, !verdict.Blocked, verdict.Checks, verdict.Drift), indented: true));
            }
            else
            {
                await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{featureView.Name}: {verdict.Selection.Profile.RowCount:N0} rows of {verdict.Selection.Profile.Subject} checked; nothing written"));
                if (verdict.Checks.Count == 0)
                {
                    await context.Output.WriteLineAsync($"view {featureView.Name} has no checks");
                }
                foreach (var check in verdict.Checks)
                {
                    await context.Output.WriteLineAsync(check.ToString());
                }
            }
            return verdict.Blocked ? CliApplication.Failure : CliApplication.Success;
        });
        return command;
    }

    /// <summary>The <c>--json</c> answer: <see cref="Passed"/> is false when an error check failed.</summary>
    private sealed record CheckReport(string View, string Subject, long Rows, bool Passed, IReadOnlyList<CheckResult> Checks, DriftReport? Drift);
}
