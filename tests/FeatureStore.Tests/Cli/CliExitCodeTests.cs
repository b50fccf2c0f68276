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
}
