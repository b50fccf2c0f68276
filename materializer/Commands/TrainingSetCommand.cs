using System.CommandLine;
using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Logging;
using FeatureStore.Core.Offline;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore training-set</c>: joins an entity file (Parquet or CSV) with features as they were at each row's
/// timestamp and writes Parquet with lineage. Definitions come from the applied registry, never from the raw YAML, so
/// the file records exactly which registry version it was built from.
/// </summary>
internal sealed class TrainingSetCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var entities = new Option<string>("--entities")
        {
            Description = "Entity file (.parquet or .csv with a header): join keys, a timestamp column, and labels to pass through; " +
                          "or a served-feature log (a log folder or file): its keys, with request_time as the timestamp",
            Required = true,
        };
        var keepLogColumns = new Option<bool>("--keep-log-columns")
        {
            Description = "With a served-feature log as --entities: carry every log column (request id, served values...) into the output",
        };
        var features = new Option<string[]>("--features")
        {
            Description = "Features as view:feature (or a bare view for all its features), comma-separated or repeated",
            AllowMultipleArgumentsPerToken = true,
        };
        var service = new Option<string?>("--service") { Description = "A feature service naming the features (instead of --features)" };
        var output = new Option<string>("--out") { Description = "Output Parquet file", Required = true };
        var fullNames = new Option<bool>("--full-feature-names") { Description = "Name feature columns view__feature" };
        var timestampColumn = new Option<string>("--timestamp-column")
        {
            Description = "The entity file's timestamp column",
            DefaultValueFactory = _ => "event_timestamp",
        };
        var asOfCreated = new Option<bool>("--as-of-created")
        {
            Description = "Also ignore rows created after each row's timestamp (no backfill leakage; reproducible later)",
        };
        var command = new Command("training-set", "Build a point-in-time correct training set from an entity file")
        {
            repo, entities, features, service, output, fullNames, timestampColumn, asOfCreated, keepLogColumns,
        };
        command.Validators.Add(result =>
        {
            var hasFeatures = result.GetValue(features) is { Length: > 0 };
            var hasService = !string.IsNullOrWhiteSpace(result.GetValue(service));
            if (hasFeatures == hasService)
            {
                result.AddError("Give exactly one of --features and --service.");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".");
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var current = await registry.GetCurrentAsync(cancellationToken)
                ?? throw new UserInputException($"Nothing has been applied to the registry at {registry.Folder}; run 'featurestore apply' first.");
            var definitions = current.Definitions;
            var serviceName = parseResult.GetValue(service);
            var references = string.IsNullOrWhiteSpace(serviceName)
                ? definitions.ResolveReferences((parseResult.GetValue(features) ?? [])
                    .SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                : definitions.ResolveService(serviceName);

            var entityFile = parseResult.GetValue(entities)!;
            var timestamp = parseResult.GetValue(timestampColumn) ?? "event_timestamp";
            // A served-feature log becomes an entity file first: its keys, and its request times as the timestamps.
            var fromLog = Path.Combine(Path.GetTempPath(), $"featurestore-log-entities-{Guid.NewGuid():N}.parquet");
            if (await StoreComposition.LogEntities.TryWriteEntityFileAsync(entityFile, definitions, parseResult.GetValue(keepLogColumns), fromLog, cancellationToken))
            {
                entityFile = fromLog;
                timestamp = LogColumns.RequestTime;
            }
            else if (parseResult.GetValue(keepLogColumns))
            {
                throw new UserInputException($"--keep-log-columns needs a served-feature log (a log folder or file) as --entities; '{entityFile}' is not one.");
            }

            TrainingSetResult result;
            try
            {
                result = await StoreComposition.Offline(context).WriteTrainingSetAsync(new TrainingSetRequest
                {
                    Definitions = definitions,
                    RepositoryRoot = config.Root,
                    Features = references,
                    EntityFile = entityFile,
                    OutputPath = parseResult.GetValue(output)!,
                    FullFeatureNames = parseResult.GetValue(fullNames),
                    TimestampColumn = timestamp,
                    AsOfCreated = parseResult.GetValue(asOfCreated),
                    RegistryVersion = current.Number,
                    RegistryHash = current.Hash,
                    FeatureService = string.IsNullOrWhiteSpace(serviceName) ? null : serviceName,
                    ProtectedFolders = [config.RegistryPath],
                }, cancellationToken);
            }
            finally
            {
                File.Delete(fromLog);
            }

            var seconds = result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            await context.Output.WriteLineAsync(
                $"wrote {result.OutputPath}: {result.RowCount.ToString(CultureInfo.InvariantCulture)} rows, " +
                $"{result.Columns.Count.ToString(CultureInfo.InvariantCulture)} columns ({references.Count.ToString(CultureInfo.InvariantCulture)} features) " +
                $"in {seconds} s from registry version {current.Number.ToString(CultureInfo.InvariantCulture)} ({current.ShortHash()})");
            await context.Output.WriteLineAsync($"columns: {string.Join(", ", result.Columns)}");
            foreach (var (view, skipped) in result.Lineage.SkippedSourceRows.Where(v => v.Value.Total > 0))
            {
                await context.Output.WriteLineAsync($"{view}: {skipped.Describe()}; no entity row can get their values");
            }
            return CliApplication.Success;
        });
        return command;
    }
}
