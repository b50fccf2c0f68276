using System.CommandLine;
using FeatureStore.Core.Errors;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Cli;

/// <summary>
/// The <c>featurestore</c> command: parses, runs one verb, and maps outcomes to exit codes:
/// 0 success, 1 validation or runtime failure (message on stderr; also a failing error check), 2 usage error,
/// 3 drift found by <c>featurestore drift</c>.
/// </summary>
internal static class CliApplication
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int DriftFound = 3;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, DiscoverVerbs(), cancellationToken);

    /// <summary>Runs with an explicit set of verbs (tests add verbs that fail on purpose).</summary>
    internal static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, IEnumerable<ICliVerb> verbs, CancellationToken cancellationToken = default)
    {
        using var loggerFactory = LoggerFactory.Create(builder => builder
            // Logs go to stderr so stdout carries only results (tables, summaries) that scripts can parse.
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .SetMinimumLevel(ParseLogLevel(Environment.GetEnvironmentVariable("FEATURESTORE_LOG_LEVEL"))));
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var context = new CliContext(output, error, loggerFactory, interactive);

        var root = new RootCommand("featurestore: define, apply, materialize and join features.");
        foreach (var verb in verbs.Select(v => v.Build(context)).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            root.Subcommands.Add(verb);
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }
            await error.WriteLineAsync("Run 'featurestore --help' for usage.");
            return UsageError;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (UserInputException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return Failure;
        }
        catch (StoreUnavailableException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}{(ex.InnerException is null ? "" : $" ({ex.InnerException.Message})")}");
            return Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled");
            return Failure;
        }
        catch (Exception ex)
        {
            // A defect or an environment failure nobody anticipated: one line for the user, the stack for whoever
            // runs with FEATURESTORE_LOG_LEVEL=Debug.
            loggerFactory.CreateLogger("featurestore").LogDebug(ex, "Unexpected failure");
            await error.WriteLineAsync(
                $"error: unexpected failure ({ex.GetType().Name}): {FirstLine(ex.Message)} (set FEATURESTORE_LOG_LEVEL=Debug for details)");
            return Failure;
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static IEnumerable<ICliVerb> DiscoverVerbs() =>
        typeof(CliApplication).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ICliVerb).IsAssignableFrom(t))
            .Select(t => (ICliVerb)Activator.CreateInstance(t)!);

    private static LogLevel ParseLogLevel(string? text) =>
        Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level : LogLevel.Warning;
}
