using System.CommandLine;
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
/// <c>featurestore profile --view V (--start T --end T | --training-set FILE | --online) [--json] [--save NAME]</c>:
/// per feature, counts, nulls, and by type min/max/mean/std/percentiles/histogram, top values and lengths, true
/// fraction, time range or list lengths. A window profile describes the latest row per key at its end (what a
/// materialization of it writes); <c>--save</c> keeps the profile as a reference named NAME (<c>profile:NAME</c>).
/// </summary>
internal sealed class ProfileCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var view = QualityOptions.View();
        var start = QualityOptions.Start();
        var end = QualityOptions.End();
        var trainingSet = new Option<string?>("--training-set") { Description = "Show the profile a training set (Parquet) carries for the view" };
        var online = new Option<bool>("--online") { Description = "Profile the values the online store holds for the view now" };
        var save = new Option<string?>("--save") { Description = "Save the profile as a reference named NAME (use it as profile:NAME)" };
        var json = QualityOptions.Json();
        var command = new Command("profile", "Profile a feature view's values: a window's latest rows, a training set, or the online store")
        {
            repo, view, start, end, trainingSet, online, save, json, redis,
        };
        command.Validators.Add(result =>
        {
            var window = result.GetValue(start) is not null || result.GetValue(end) is not null;
            var sources = (window ? 1 : 0) + (result.GetValue(trainingSet) is not null ? 1 : 0) + (result.GetValue(online) ? 1 : 0);
            if (sources != 1)
            {
                result.AddError("Give exactly one of --start/--end, --training-set and --online.");
            }
            else if (window && (result.GetValue(start) is null || result.GetValue(end) is null))
            {
                result.AddError("A window needs both --start and --end.");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".", new ConfigOverrides(RedisConnectionString: parseResult.GetValue(redis)));
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var definitions = (await registry.RequireCurrentAsync(cancellationToken)).Definitions;
            var featureView = definitions.GetFeatureView(parseResult.GetValue(view)!);
            var profiles = StoreComposition.Profiles(config, context);
            await using var onlineStore = new LazyOnlineStore(config, context);
            var resolver = StoreComposition.References(profiles, onlineStore.GetAsync);

            ProfileReference reference;
            if (parseResult.GetValue(trainingSet) is { } file)
            {
                reference = ProfileReference.TrainingSet(Path.GetFullPath(file));
            }
            else if (parseResult.GetValue(online))
            {
                reference = ProfileReference.Online;
            }
            else
            {
                var now = DateTimeOffset.UtcNow;
                var from = MaterializationTime.Parse(parseResult.GetValue(start), "--start", now);
                var to = MaterializationTime.Parse(parseResult.GetValue(end), "--end", now);
                if (to < from)
                {
                    throw new UserInputException($"--end {to:O} is before --start {from:O}; the window must run forward.");
                }
                reference = ProfileReference.Window(from, to);
            }
            var profile = await resolver.ResolveAsync(definitions, featureView, config.Root, reference, cancellationToken);

            if (parseResult.GetValue(save) is { } name)
            {
                await profiles.SaveNamedAsync(name, profile, cancellationToken);
            }
            if (parseResult.GetValue(json))
            {
                await context.Output.WriteLineAsync(ProfileJson.Serialize(profile, indented: true));
            }
            else
            {
                await context.Output.WriteAsync(QualityText.Profile(profile));
                if (parseResult.GetValue(save) is { } saved)
                {
                    await context.Output.WriteLineAsync($"saved as profile:{saved} of view {featureView.Name}");
                }
            }
            return CliApplication.Success;
        });
        return command;
    }
}
