using FeatureStore.Materializer.Cli;

namespace FeatureStore.Tests.Cli;

/// <summary>Runs the <c>featurestore</c> command in-process and captures what it prints.</summary>
public static class CliRunner
{
    public sealed record CliResult(int ExitCode, string Output, string Error);

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
