using System.Diagnostics;
using System.Text;

namespace FeatureStore.Tests.Cli;

/// <summary>
/// Runs a program as a person's shell would (the .NET SDK, an installed tool) with output captured, and starts
/// long-running ones in the background. The child's environment drops what <c>dotnet test</c> sets for its own
/// MSBuild (a nested <c>dotnet pack</c> must find its SDK by itself) and every <c>FEATURESTORE_*</c> variable, so
/// only what a test passes configures the program.
/// </summary>
internal static class ExternalCommand
{
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    /// <summary>The <c>dotnet</c> that runs these tests.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The folder of that <c>dotnet</c> (what an installed tool's launcher needs as DOTNET_ROOT).</summary>
    public static string DotnetRoot()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
        {
            return Path.GetDirectoryName(host)!;
        }
        // shared/Microsoft.NETCore.App/<version>/ under the root.
        return Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
    }

    public static async Task<Result> RunAsync(
        string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(file, args, environment, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:0} s.");
        }
        return new Result(process.ExitCode, await output, await error, clock.Elapsed);
    }

    /// <summary>Starts <paramref name="file"/> in the background, collecting everything it prints into a log.</summary>
    public static BackgroundProcess StartInBackground(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Start(file, args, environment, null);
        var background = new BackgroundProcess(process);
        process.OutputDataReceived += (_, e) => background.Append(e.Data);
        process.ErrorDataReceived += (_, e) => background.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    private static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string? workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var name in start.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("FEATURESTORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        // Nobody types into these programs: a question they ask sees the end of its input at once.
        process.StandardInput.Close();
        return process;
    }

    /// <summary>A program running in the background; disposing it kills it (and its children).</summary>
    public sealed class BackgroundProcess(Process process) : IDisposable
    {
        private readonly StringBuilder _log = new();

        public Process Process { get; } = process;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        internal void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                    Process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
            Process.Dispose();
        }
    }
}
