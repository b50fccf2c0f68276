using Microsoft.Extensions.Logging;

namespace FeatureStore.Materializer.Cli;

/// <summary>What every verb needs from the process: where to write, how to log, whether a person is watching.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, ILoggerFactory loggerFactory, bool interactive, TextReader? input = null)
{
    /// <summary>Results for the user (tables, summaries). Tests read it.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Error messages.</summary>
    public TextWriter Error { get; } = error;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>True on a terminal: progress bars are drawn only then.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Where answers to a question come from (standard input); null when there is nobody to ask.</summary>
    public TextReader? Input { get; } = input;
}
