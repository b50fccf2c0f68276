using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Loading;
using FeatureStore.Core.Materialization;
using FeatureStore.Core.Registry;
using FeatureStore.Materializer.Cli;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Progress;

/// <summary>
/// What <c>materialize</c> and <c>materialize-incremental</c> share: definitions from the applied registry, config
/// from featurestore.yaml (+ environment, + <c>--redis</c>), the engine, a progress bar on a terminal, and one summary
/// line per view at the end.
/// </summary>
internal static class MaterializationRunner
{
    public static async Task<int> RunAsync(
        CliContext context, string repository, string? redis, string? startText, string endText, string? viewsText, bool wait,
        CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset? start = startText is null ? null : MaterializationTime.Parse(startText, "--start", now);
        var end = MaterializationTime.Parse(endText, "--end", now);
        if (start is { } first && end < first)
        {
            throw new UserInputException($"--end {end:O} is before --start {first:O}; the window must run forward.");
        }
        var views = viewsText?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var config = RepositoryLoader.LoadConfig(repository, new ConfigOverrides(RedisConnectionString: redis));
        var registry = FileRegistry.ForConfig(config, context.LoggerFactory);
        var current = await registry.GetCurrentAsync(cancellationToken)
                      ?? throw new UserInputException(
                          $"Nothing has been applied to the registry at {config.RegistryPath}; run 'featurestore apply --repo {repository}' first.");

        await using var store = await StoreComposition.OpenOnlineAsync(config, context, cancellationToken);
        var engine = new MaterializationEngine(
            store, StoreComposition.Offline(context), registry, context.LoggerFactory.CreateLogger<MaterializationEngine>(),
            new MaterializationOptions { EstimateTotals = context.Interactive }, quality: StoreComposition.Quality(config, context));
        var request = new MaterializationRequest
        {
            Definitions = current.Definitions,
            RegistryVersion = current.Number,
            RepositoryRoot = config.Root,
            Start = start,
            End = end,
            Views = views,
            WaitForLock = wait,
        };

        IReadOnlyList<ViewMaterializationSummary> summaries;
        try
        {
            summaries = context.Interactive
                ? await TerminalProgress.RunAsync(progress => engine.RunAsync(request, progress, cancellationToken))
                : await engine.RunAsync(request, null, cancellationToken);
        }
        catch (NotFoundException ex) when (views is not null)
        {
            throw new NotFoundException($"{ex.Message} (from --views)");
        }

        if (summaries.Count == 0)
        {
            await context.Output.WriteLineAsync("No online feature views to materialize.");
        }
        foreach (var summary in summaries)
        {
            await context.Output.WriteLineAsync(FormatSummary(summary));
            foreach (var failure in summary.Checks.Where(c => !c.Passed))
            {
                await context.Output.WriteLineAsync($"  {failure}");
            }
        }
        var blocked = summaries.Where(s => s.Blocked).Select(s => s.View).ToArray();
        if (blocked.Length > 0)
        {
            await context.Error.WriteLineAsync(
                $"error: checks failed for {string.Join(", ", blocked)}: nothing of {(blocked.Length == 1 ? "that view" : "those views")} was written" +
                (summaries.Count > blocked.Length ? "; the other views were" : "") + ".");
            return CliApplication.Failure;
        }
        return CliApplication.Success;
    }

    public static string FormatSummary(ViewMaterializationSummary s)
    {
        var window = $"{(s.Start is { } start ? Time(start) : "the earliest data")} .. {Time(s.End)}";
        if (s.SkippedReason is not null)
        {
            return $"{s.View}: skipped, {s.SkippedReason}";
        }
        if (s.Blocked)
        {
            var failed = s.Checks.Count(c => c.Blocks);
            return string.Create(CultureInfo.InvariantCulture,
                $"{s.View}: NOT WRITTEN, {failed} error check{(failed == 1 ? "" : "s")} failed on {s.RowsSelected:N0} rows for {window}; watermark stays {(s.Watermark is { } kept ? Time(kept) : "-")}");
        }
        var profile = s.ProfileTime > TimeSpan.Zero
            ? string.Create(CultureInfo.InvariantCulture, $", profile and checks {s.ProfileTime.TotalSeconds:0.00} s")
            : "";
        var checks = s.Checks.Count > 0 ? $"; checks: {s.Checks.Count(c => c.Passed)} passed, {s.Checks.Count(c => !c.Passed)} warned" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.View}: {s.RowsSelected:N0} rows ({s.RowsWritten:N0} written, {s.RowsSelected - s.RowsWritten:N0} already current in Redis) " +
            $"for {window} in {s.Duration.TotalSeconds:0.00} s (selection {s.SelectionTime.TotalSeconds:0.00} s{profile}; {s.RowsPerSecond:N0} rows/s); " +
            $"watermark {(s.Watermark is { } w ? Time(w) : "-")}{checks}");
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture);
}
