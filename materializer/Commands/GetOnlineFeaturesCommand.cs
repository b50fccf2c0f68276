using System.Buffers;
using System.CommandLine;
using System.Text;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;
using FeatureStore.Materializer.Lookup;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.HttpApi;
using FeatureStore.Server.Metrics;
using FeatureStore.Server.Registry;
using FeatureStore.Server.Serving;
using Microsoft.Extensions.Options;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore get-online-features</c>: a lookup straight from the online store, no server needed (debugging,
/// scripts). It runs the server's own serving code against the applied registry version, so answers and errors are
/// the server's, and <c>--json</c> prints exactly the body <c>POST /get-online-features</c> would return.
/// </summary>
internal sealed class GetOnlineFeaturesCommand : ICliVerb
{
    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var redis = CommonOptions.Redis();
        var features = new Option<string[]>("--features")
        {
            Description = "Features as view:feature (or a bare view for all its features), comma-separated or repeated",
            AllowMultipleArgumentsPerToken = true,
        };
        var service = new Option<string?>("--service") { Description = "A feature service naming the features (instead of --features)" };
        var entities = new Option<string[]>("--entity")
        {
            Description = "One entity row as KEY=VALUE (KEY=VALUE,KEY=VALUE for a composite key); repeat for more rows. Values are parsed as the entity's type (bytes as base64)",
            Required = true,
        };
        var json = new Option<bool>("--json") { Description = "Print Feast's JSON answer, as POST /get-online-features returns it" };
        var command = new Command("get-online-features", "Look up feature values in the online store (no server needed): a table of entities x features with status and event time")
        {
            repo, features, service, entities, json, redis,
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
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".", new ConfigOverrides(RedisConnectionString: parseResult.GetValue(redis)));
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var current = await registry.GetCurrentAsync(cancellationToken)
                ?? throw new UserInputException($"Nothing has been applied to the registry at {registry.Folder}; run 'featurestore apply' first.");
            var definitions = current.Definitions;
            var serviceName = parseResult.GetValue(service)?.Trim();
            var featureList = (parseResult.GetValue(features) ?? [])
                .SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToArray();
            var references = string.IsNullOrEmpty(serviceName)
                ? definitions.ResolveReferences(featureList)
                : definitions.ResolveService(serviceName);
            foreach (var view in references.Select(r => r.View).Distinct(StringComparer.Ordinal))
            {
                definitions.GetFeatureView(view).EnsureServedOnline();
            }
            var request = new ServingRequest(
                featureList,
                string.IsNullOrEmpty(serviceName) ? null : serviceName,
                EntityArguments.Parse(parseResult.GetValue(entities) ?? [], definitions, references),
                FullFeatureNames: false,
                KeyEncoding.Typed);

            await using var store = await StoreComposition.OpenOnlineAsync(config, context, cancellationToken);
            var active = new ActiveDefinitions(config.Project);
            active.TryApply(current);
            var serving = new OnlineServing(active, store, Options.Create(new ServerOptions()), new ServingMetrics());
            var result = await serving.ReadAsync(request, cancellationToken);

            if (parseResult.GetValue(json))
            {
                var buffer = new ArrayBufferWriter<byte>();
                FeastJsonResponseWriter.Write(buffer, result);
                await context.Output.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan));
            }
            else
            {
                foreach (var line in LookupTable.Format(result))
                {
                    await context.Output.WriteLineAsync(line);
                }
            }
            return CliApplication.Success;
        });
        return command;
    }
}
