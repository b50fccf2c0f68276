using System.CommandLine;
using FeatureStore.Materializer.Cli;
using FeatureStore.Server;
using FeatureStore.Server.Configuration;

namespace FeatureStore.Materializer.Commands;

/// <summary>
/// <c>featurestore serve</c>: runs the feature server of the repository in this process. It is the server
/// executable's own program (<see cref="ServerProgram"/>): its flags are generated from the server's list of
/// settings, so they, the <c>FEATURESTORE_*</c> environment variables, the settings file, the host, the exit codes
/// and the error lines are the same, and a new server setting appears here by itself.
/// </summary>
internal sealed class ServeCommand : ICliVerb
{
    /// <summary>The server stops on Ctrl+C or SIGTERM when it is done (the embedded store checkpoints first).</summary>
    public bool HandlesTermination => true;

    public Command Build(CliContext context)
    {
        var secrets = ServerSettings.All
            .Where(setting => setting.Flag is null)
            .Select(setting => $"[env {setting.Environment}] {setting.Help}");
        var command = new Command("serve",
            "Run the feature server: gRPC, the Feast-compatible HTTP API, health, metrics and the catalog (settings: defaults < settings file < environment < flags). "
            + "Secrets: " + string.Join("; ", secrets));
        // Secrets have no flag (a command line is visible to every user of the machine); a switch may stand alone.
        var flags = ServerSettings.All
            .Where(setting => setting.Flag is not null)
            .Select(setting => (Flag: setting.Flag!, Option: new Option<string?>(setting.Flag!)
            {
                Description = $"{Capitalized(setting.Help)} [env {setting.Environment}]",
                Arity = setting.IsSwitch ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
            }))
            .ToArray();
        foreach (var (_, option) in flags)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, _) =>
        {
            var args = new List<string>();
            foreach (var (flag, option) in flags)
            {
                if (parseResult.GetResult(option) is not { Implicit: false })
                {
                    continue;
                }
                args.Add(flag);
                if (parseResult.GetValue(option) is { } value)
                {
                    args.Add(value);
                }
            }
            return await ServerProgram.RunAsync([.. args], context.Output, context.Error);
        });
        return command;
    }

    /// <summary>The server's help starts lower case, after the flag; here it starts a description. "gRPC" stays.</summary>
    private static string Capitalized(string text) =>
        text.Length > 1 && char.IsLower(text[0]) && char.IsLower(text[1]) ? char.ToUpperInvariant(text[0]) + text[1..] : text;
}
