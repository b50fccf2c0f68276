using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Infrastructure;

/// <summary>An in-memory log provider: every message a server logs, formatted, with its level and category.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public sealed record Entry(LogLevel Level, string Category, string Message);

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Every message and exception, one per line, to search for what must never be logged.</summary>
    public string Text => string.Join("\n", _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
    }
}
