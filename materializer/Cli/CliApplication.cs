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
        RunAsync(args, output, error, DiscoverVerbs(), ReferenceEquals(output, Console.Out) ? Console.In : null, cancellationToken);

    /// <summary>Runs with an explicit set of verbs (tests add verbs that fail on purpose).</summary>
    internal static Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, IEnumerable<ICliVerb> verbs, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, verbs, input: null, cancellationToken);

    /// <summary>Runs with answers to questions read from <paramref name="input"/> (tests answer a confirmation).</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, DiscoverVerbs(), input, cancellationToken);

    private static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, IEnumerable<ICliVerb> verbs, TextReader? input, CancellationToken cancellationToken)
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
        var context = new CliContext(output, error, loggerFactory, interactive, input);

        var root = new RootCommand("featurestore: define, apply, materialize, serve and join features.");
        var built = verbs.Select(v => (Verb: v, Command: v.Build(context))).OrderBy(b => b.Command.Name, StringComparer.Ordinal).ToArray();
        foreach (var (_, command) in built)
        {
            root.Subcommands.Add(command);
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
            var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            if (built.Any(b => b.Verb.HandlesTermination && ReferenceEquals(b.Command, parseResult.CommandResult.Command)))
            {
                invocation.ProcessTerminationTimeout = null;
            }
            return await parseResult.InvokeAsync(invocation, cancellationToken);
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
