using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FeatureStore.Core.Audit;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore audit --repo DIR --service S [--logs DIR] [--since T] [--until T] [--json] [--max-mismatch-rate R]</c>:
/// recomputes every logged request of a feature service offline (the training-set join, with the request time as the
/// entity timestamp) and compares value by value: per feature the match rate and the mismatches by cause, the stale
/// lag, per view the served values' age, and the mismatching rows with both values in a Parquet file. Exits 1 when
/// any feature's mismatch rate exceeds <c>--max-mismatch-rate</c> (default 0).
/// </summary>
internal sealed class AuditCommand : ICliVerb
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public Command Build(CliContext context)
    {
        var repo = CommonOptions.Repo();
        var service = new Option<string>("--service") { Description = "The feature service whose logs to audit", Required = true };
        var logs = new Option<string?>("--logs") { Description = "The log folder (default: logging.path of featurestore.yaml, logs/)" };
        var since = new Option<string?>("--since") { Description = "Audit requests at or after this time, ISO-8601 (2024-05-01T00:00:00Z)" };
        var until = new Option<string?>("--until") { Description = "Audit requests before this time, ISO-8601 or 'now'" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var maxRate = new Option<double>("--max-mismatch-rate")
        {
            Description = "Exit 1 when the mismatch rate of any feature exceeds this (0 to 1; default 0)",
            DefaultValueFactory = _ => 0,
        };
        var mismatches = new Option<string?>("--mismatches")
        {
            Description = "Parquet file for the mismatching rows (default: <logs>/audit-results/<service>/mismatches-<time>.parquet)",
        };
        var command = new Command("audit", "Compare logged served values with their offline recomputation and explain every mismatch")
        {
            repo, service, logs, since, until, json, maxRate, mismatches,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(maxRate) is var rate && (double.IsNaN(rate) || rate < 0 || rate > 1))
            {
                result.AddError("--max-mismatch-rate must be a number from 0 to 1.");
            }
        });
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var config = RepositoryLoader.LoadConfig(parseResult.GetValue(repo) ?? ".");
            var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
            var current = await registry.RequireCurrentAsync(cancellationToken);
            var serviceName = parseResult.GetValue(service)!.Trim();
            var logFolder = parseResult.GetValue(logs) is { Length: > 0 } given ? Path.GetFullPath(given) : config.LoggingSettings().Path;
            var now = DateTimeOffset.UtcNow;
            var window = (
                Since: parseResult.GetValue(since) is { Length: > 0 } s ? MaterializationTime.Parse(s, "--since", now) : (DateTimeOffset?)null,
                Until: parseResult.GetValue(until) is { Length: > 0 } u ? MaterializationTime.Parse(u, "--until", now) : (DateTimeOffset?)null);
            if (window.Since >= window.Until)
            {
                throw new UserInputException("--since must be before --until.");
            }
            var mismatchFile = parseResult.GetValue(mismatches) is { Length: > 0 } file
                ? Path.GetFullPath(file)
                : Path.Combine(logFolder, "audit-results", serviceName, $"mismatches-{now:yyyyMMdd'T'HHmmss'Z'}.parquet");

            var report = await StoreComposition.Audit(context).RunAsync(new AuditRequest
            {
                Definitions = current.Definitions,
                RepositoryRoot = config.Root,
                Service = serviceName,
                LogFolder = logFolder,
                Since = window.Since,
                Until = window.Until,
                MismatchFile = mismatchFile,
            }, cancellationToken);

            var limit = parseResult.GetValue(maxRate);
            var passed = report.Features.All(f => f.MismatchRate <= limit);
            if (parseResult.GetValue(json))
            {
                await context.Output.WriteLineAsync(Json(report, limit, passed).ToJsonString(Indented));
            }
            else
            {
                await WriteTextAsync(context.Output, report, limit, passed, current.Number);
            }
            foreach (var feature in report.Features.Where(f => f.ByCause[MismatchCause.ValueDiffers] > 0))
            {
                await context.Error.WriteLineAsync(
                    $"BUG: {Count(feature.ByCause[MismatchCause.ValueDiffers])} rows of {feature.Feature} were served with a value that differs from the " +
                    "offline value of the same version (same event time). Online and offline disagree about one row: report it with the mismatch file.");
            }
            return passed ? CliApplication.Success : CliApplication.Failure;
        });
        return command;
    }

    private static async Task WriteTextAsync(TextWriter output, AuditReport report, double limit, bool passed, int currentVersion)
    {
        var span = report.FirstRequest is { } first && report.LastRequest is { } last
            ? $", requests {Time(first)} to {Time(last)}"
            : "";
        await output.WriteLineAsync(
            $"audit of feature service '{report.Service}': {Count(report.Rows)} logged rows{span}, served from registry version" +
            $"{(report.RegistryVersions.Count == 1 ? "" : "s")} {string.Join(", ", report.RegistryVersions)}; recomputed with version {currentVersion}");
        var header = new[] { "FEATURE", "ROWS", "MATCH" }.Concat(AuditNames.Causes.Select(c => AuditNames.Of(c).ToUpperInvariant())).ToArray();
        var rows = new List<string[]> { header };
        rows.AddRange(report.Features.Select(f => new[] { f.Feature, Count(f.Rows), Percent(f.MatchRate) }
            .Concat(AuditNames.Causes.Select(c => Count(f.ByCause[c]))).ToArray()));
        foreach (var line in Table(rows))
        {
            await output.WriteLineAsync(line);
        }
        foreach (var feature in report.Features.Where(f => f.StaleLag is not null))
        {
            await output.WriteLineAsync(
                $"stale_online lag of {feature.Feature} (offline event time - served event time): {Describe(feature.StaleLag!)}");
        }
        if (report.NotLogged.Count > 0)
        {
            await output.WriteLineAsync($"not in the logs (added to the service later): {string.Join(", ", report.NotLogged)}");
        }
        await output.WriteLineAsync("freshness (request time - served event time):");
        var freshness = new List<string[]> { new[] { "VIEW", "SERVED", "P50", "P95", "MAX" } };
        freshness.AddRange(report.Freshness.Select(v => new[]
        {
            v.View, Count(v.Rows),
            v.Age is null ? "-" : Duration(v.Age.P50), v.Age is null ? "-" : Duration(v.Age.P95), v.Age is null ? "-" : Duration(v.Age.Max),
        }));
        foreach (var line in Table(freshness))
        {
            await output.WriteLineAsync("  " + line);
        }
        await output.WriteLineAsync(report.MismatchFile is { } file
            ? $"mismatching rows with both values: {file}"
            : "no mismatching rows");
        await output.WriteLineAsync(passed
            ? $"passed: no feature's mismatch rate exceeds {Percent(limit)}"
            : $"FAILED: mismatch rate above {Percent(limit)} for {string.Join(", ", report.Features.Where(f => f.MismatchRate > limit).Select(f => $"{f.Feature} ({Percent(f.MismatchRate)})"))}");
    }

    private static JsonObject Json(AuditReport report, double limit, bool passed) => new()
    {
        ["service"] = report.Service,
        ["rows"] = report.Rows,
        ["first_request"] = report.FirstRequest is { } f ? Time(f) : null,
        ["last_request"] = report.LastRequest is { } l ? Time(l) : null,
        ["registry_versions"] = new JsonArray(report.RegistryVersions.Select(v => (JsonNode)v).ToArray()),
        ["max_mismatch_rate"] = limit,
        ["passed"] = passed,
        ["features"] = new JsonArray(report.Features.Select(feature => (JsonNode)new JsonObject
        {
            ["feature"] = feature.Feature,
            ["rows"] = feature.Rows,
            ["matches"] = feature.Matches,
            ["match_rate"] = feature.MatchRate,
            ["mismatch_rate"] = feature.MismatchRate,
            ["mismatches"] = new JsonObject(AuditNames.Causes.Select(c => KeyValuePair.Create(AuditNames.Of(c), (JsonNode?)feature.ByCause[c]))),
            ["stale_lag_seconds"] = Seconds(feature.StaleLag),
        }).ToArray()),
        ["freshness"] = new JsonArray(report.Freshness.Select(view => (JsonNode)new JsonObject
        {
            ["view"] = view.View,
            ["served_rows"] = view.Rows,
            ["age_seconds"] = Seconds(view.Age),
        }).ToArray()),
        ["not_logged"] = new JsonArray(report.NotLogged.Select(n => (JsonNode)n).ToArray()),
        ["mismatch_file"] = report.MismatchFile,
    };

    private static JsonObject? Seconds(Distribution? distribution) => distribution is null
        ? null
        : new JsonObject
        {
            ["p50"] = distribution.P50.TotalSeconds,
            ["p95"] = distribution.P95.TotalSeconds,
            ["max"] = distribution.Max.TotalSeconds,
        };

    private static string Describe(Distribution d) => $"p50 {Duration(d.P50)}, p95 {Duration(d.P95)}, max {Duration(d.Max)}";

    private static string Duration(TimeSpan t) => t.TotalSeconds switch
    {
        < 1 => $"{t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)} ms",
        < 120 => $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
        < 7200 => $"{t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min",
        < 172800 => $"{t.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h",
        _ => $"{t.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} d",
    };

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(double rate) => rate.ToString("0.00%", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture);

    /// <summary>Plain aligned columns, numbers right-aligned, so the output is stable for scripts and tests.</summary>
    private static IEnumerable<string> Table(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        return rows.Select(r => string.Join("  ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
    }
}
