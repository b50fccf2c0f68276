using System.Text.RegularExpressions;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server;

/// <summary>
/// The server process: help, build, run, and the exit code. A configuration problem (bad setting, repository,
/// Redis connection string) is one <c>error: ...</c> line and exit code 2; a port in use or any other failure to
/// run is one line and exit code 1. Never a stack trace, never a password.
/// </summary>
public static partial class ServerProgram
{
    public const int UserError = 2;
    public const int Failure = 1;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (ServerArguments.WantsHelp(args))
        {
            await output.WriteLineAsync(ServerArguments.Usage);
            return 0;
        }
        WebApplication app;
        try
        {
            app = ServerHost.Build(args);
        }
        catch (Exception ex)
        {
            return await ReportAsync(error, ex);
        }
        await using (app)
        {
            try
            {
                await app.RunAsync();
            }
            catch (IOException ex)
            {
                // Typically a port already in use.
                await error.WriteLineAsync($"error: {Masked(ex.Message)} (choose other ports with --http-port / --grpc-port / --ui-port)");
                return Failure;
            }
            catch (Exception ex)
            {
                return await ReportAsync(error, ex);
            }
        }
        return 0;
    }

    private static async Task<int> ReportAsync(TextWriter error, Exception exception)
    {
        var (message, code) = exception switch
        {
            UserInputException e => (e.Message, UserError),
            FeatureStore.Core.Registry.RegistryDamagedException e => (e.Message, UserError),
            OptionsValidationException e => (string.Join(" ", e.Failures), UserError),
            _ => ($"the server failed to start: {exception.Message}", Failure),
        };
        await error.WriteLineAsync($"error: {Masked(message)}");
        return code;
    }

    /// <summary>A connection string quoted by a library may carry a password: never print its value.</summary>
    private static string Masked(string message) => Password().Replace(message, "$1=***");

    [GeneratedRegex(@"\b(password)\s*=\s*[^,\s'""]*", RegexOptions.IgnoreCase)]
    private static partial Regex Password();
}
