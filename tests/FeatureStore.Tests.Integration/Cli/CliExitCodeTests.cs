using System.CommandLine;
using FeatureStore.Materializer.Cli;

namespace FeatureStore.Tests.Cli;

public sealed class CliExitCodeTests
{
    [Fact]
    public async Task Unknown_verb_is_a_usage_error_with_exit_code_2()
    {
        var result = await CliRunner.RunAsync("no-such-verb");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no-such-verb", result.Error);
    }

    [Fact]
    public async Task Help_exits_0_and_lists_usage()
    {
        var result = await CliRunner.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage", result.Output);
    }

    [Fact]
    public async Task An_unexpected_exception_is_one_line_and_exit_code_1()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await CliApplication.RunAsync(["explode"], output, error, [new ExplodingVerb()]);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unexpected failure (InvalidCastException): boom", line);
        Assert.DoesNotContain(" at ", line);
    }

    private sealed class ExplodingVerb : ICliVerb
    {
        public Command Build(CliContext context)
        {
            var command = new Command("explode");
            command.SetAction((_, _) => Task.FromException<int>(new InvalidCastException("boom\n   at Somewhere.Deep()")));
            return command;
        }
    }
}
