using System.Diagnostics;

namespace FeatureStore.Tests.Cli;

/// <summary>
/// The CLI and the server run as separate processes, as a person's terminals would run them, from the copies built in
/// their own output folders: the copies beside the tests run against the test project's dependency set (which leaves
/// out what ASP.NET Core's shared framework provides), not their own.
/// </summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static string FeaturestoreDll() => Built("materializer", "featurestore.dll");

    public static string ServerDll() => Built(Path.Combine("server", "FeatureStore.Server"), "FeatureStore.Server.dll");

    /// <summary>Runs <c>featurestore</c> with <paramref name="args"/> to completion (2 minutes at most).</summary>
    public static async Task<Result> RunCliAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(FeaturestoreDll(), args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="dll"/></c> with redirected output. FEATURESTORE_REDIS is removed, so a
    /// repository's own <c>featurestore.yaml</c> decides its online store, as on a machine that does not set it.
    /// </summary>
    public static Process Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("FEATURESTORE_REDIS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
    }

    private static string Built(string projectFolder, string dllName)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory);
        var targetFramework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        for (var folder = testOutput; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "FeatureStore.sln")))
            {
                var dll = Path.Combine(folder.FullName, projectFolder, "bin", configuration, targetFramework, dllName);
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {projectFolder} first: {dll} is missing.");
            }
        }
        throw new InvalidOperationException($"No FeatureStore.sln above {AppContext.BaseDirectory}.");
    }
}
