using FeatureStore.Server;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Tests.Cli;

/// <summary><c>featurestore serve</c> is the server program: the same flags, variables, errors and exit codes.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Help_lists_every_server_flag_and_secret_with_its_environment_variable()
    {
        var help = await CliRunner.RunAsync("serve", "--help");

        Assert.Equal(0, help.ExitCode);
        // Help may wrap long lines: compare with runs of white space as one space.
        var text = string.Join(' ', help.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.All(ServerSettings.All, setting =>
        {
            if (setting.Flag is not null)
            {
                Assert.Contains($"{setting.Flag} <", text);
            }
            Assert.Contains($"[env {setting.Environment}]", text);
        });
        Assert.Contains("gRPC port, h2c or with --tls-cert TLS", text);
    }

    [Theory]
    [InlineData("--http-port", "abc")]
    [InlineData("--log-level", "loud")]
    public async Task Bad_setting_is_the_servers_one_line_error_and_exit_code(string flag, string value)
    {
        var server = new StringWriter();
        var serverExit = await ServerProgram.RunAsync([flag, value], TextWriter.Null, server);

        var serve = await CliRunner.RunAsync("serve", flag, value);

        Assert.Equal(ServerProgram.UserError, serverExit);
        Assert.Equal(serverExit, serve.ExitCode);
        Assert.Equal(server.ToString(), serve.Error);
        Assert.StartsWith("error: ", serve.Error);
        Assert.Contains(flag, serve.Error);
    }

    [Fact]
    public async Task Missing_repository_is_refused_before_anything_listens()
    {
        var folder = Path.Combine(Path.GetTempPath(), "featurestore-no-such-repo-" + Guid.NewGuid().ToString("N"));

        var serve = await CliRunner.RunAsync("serve", "--repo", folder, "--http-port", "0", "--grpc-port", "0");

        Assert.Equal(ServerProgram.UserError, serve.ExitCode);
        Assert.Contains("does not exist", serve.Error);
    }
}
