using System.CommandLine;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Quality;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Quality;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore drift --view V --reference REF --current CUR [--json]</c>: per feature, PSI and KS (numbers) or
/// Jensen-Shannon distance (categories) and the null-fraction change, each with a verdict against the thresholds
/// (warning 0.1, drift 0.25 or the view's max_drift_psi). REF: training-set:FILE, profile:NAME or window:START..END;
/// CUR: window:START..END, online or last-run. Exits 3 when any feature drifts.
/// </summary>
internal sealed class DriftCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var view = QualityOptions.View();
        var reference = new Option<string>("--reference")
        {
            Description = "What to compare with: training-set:FILE, profile:NAME or window:START..END",
            Required = true,
        };
        var current = new Option<string>("--current")
        {
            Description = "What to compare: window:START..END, online or last-run",
            Required = true,
        };
        var json = QualityOptions.Json();
        var command = new Command("drift", "Compare a feature view's current values with a reference; exits 3 when a feature drifted")
        {
            repo, view, reference, current, json, redis,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var now = DateTimeOffset.UtcNow;
            var referenceForm = Absolute(ProfileReference.Parse(parseResult.GetValue(reference), asCurrent: false, now, "--reference"));
            var currentForm = ProfileReference.Parse(parseResult.GetValue(current), asCurrent: true, now, "--current");
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".", new ConfigOverrides(RedisConnectionString: parseResult.GetValue(redis)));
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var definitions = (await registry.RequireCurrentAsync(cancellationToken)).Definitions;
            var featureView = definitions.GetFeatureView(parseResult.GetValue(view)!);
            await using var onlineStore = new LazyOnlineStore(config, context);
            var resolver = StoreComposition.References(StoreComposition.Profiles(config, context), onlineStore.GetAsync);

            var referenceProfile = await resolver.ResolveAsync(definitions, featureView, config.Root, referenceForm, cancellationToken);
            var currentProfile = await resolver.ResolveAsync(definitions, featureView, config.Root, currentForm, cancellationToken);
            var report = DriftCalculator.Compare(referenceProfile, currentProfile, DriftThresholds.For(featureView.Checks?.MaxDriftPsi));

            await context.Output.WriteAsync(parseResult.GetValue(json)
                ? ProfileJson.Serialize(report, indented: true) + Environment.NewLine
                : QualityText.Drift(report));
            return report.AnyDrift ? CliApplication.DriftFound : CliApplication.Success;
        });
        return command;
    }

    /// <summary>A training set named on the command line is relative to the working folder, like every other file argument.</summary>
    private static ProfileReference Absolute(ProfileReference reference) =>
        reference.Kind == ProfileReferenceKind.TrainingSet ? ProfileReference.TrainingSet(Path.GetFullPath(reference.Value!)) : reference;
}
