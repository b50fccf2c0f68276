using System.Collections.Concurrent;
using System.Globalization;
using FeatureStore.Core.Materialization;
using Spectre.Console;

namespace FeatureStore.Materializer.Progress;

/// <summary>
/// A Spectre.Console progress bar per view (rows written, rate, ETA from the estimated key count), drawn only when a
/// person watches a terminal; scripts get the summary lines and logs instead.
/// </summary>
internal static class TerminalProgress
{
    public static Task<T> RunAsync<T>(Func<IProgress<MaterializationProgress>, Task<T>> run) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(context => run(new Reporter(context)));

    private sealed class Reporter(ProgressContext context) : IProgress<MaterializationProgress>
    {
        private readonly ConcurrentDictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

        public void Report(MaterializationProgress value)
        {
            var task = _tasks.GetOrAdd(value.View, name => context.AddTask(name, maxValue: 1));
            var total = Math.Max(value.EstimatedRows ?? 0, value.RowsWritten);
            task.MaxValue = Math.Max(1, total);
            task.Value = value.Phase == MaterializationPhase.Done ? task.MaxValue : value.RowsWritten;
            var phase = value.Phase switch
            {
                MaterializationPhase.Selecting => "selecting latest rows",
                MaterializationPhase.Checking => "selecting, profiling and checking",
                MaterializationPhase.Writing => string.Create(CultureInfo.InvariantCulture, $"{value.RowsWritten:N0} rows, {value.RowsPerSecond:N0}/s"),
                _ => string.Create(CultureInfo.InvariantCulture, $"{value.RowsWritten:N0} rows, done"),
            };
            task.Description = $"[bold]{Markup.Escape(value.View)}[/] [grey]{Markup.Escape(phase)}[/]";
            if (value.Phase == MaterializationPhase.Done)
            {
                task.StopTask();
            }
        }
    }
}
