using System.Diagnostics;
using System.Globalization;

namespace FeatureStore.Bench;

/// <summary>
/// The real server build (FeatureStore.Server.dll and its own runtimeconfig, copied beside the benchmarks by the project
/// reference) as a process of its own, as in production, so it runs with the settings it ships with, not this
/// process's. <c>FEATURESTORE_BENCH_DOTNET</c> may name a wrapper for <c>dotnet</c> (e.g. one running a profiler).
/// </summary>
internal static class BenchServerProcess
{
    public static Process Start(string repository, IReadOnlyList<string> storeArguments, int httpPort, int grpcPort)
    {
        var serverDll = Path.Combine(AppContext.BaseDirectory, "FeatureStore.Server.dll");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException($"{serverDll} is missing; build bench/FeatureStore.Bench (it references the server).");
        }
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("FEATURESTORE_BENCH_DOTNET") ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args =
        [
            serverDll, "--repo", repository, .. storeArguments,
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--ui-port", "0",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["FEATURESTORE_LOG_LEVEL"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (registry loaded, online store serving), at most 60 s.</summary>
    public static async Task WaitUntilReadyAsync(HttpClient http, Process server)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with code {server.ExitCode}.");
            }
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("The server did not become ready within 60 s.");
            }
            await Task.Delay(100);
        }
    }
}
