using FeatureStore.Core.Errors;
using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// Turns the command line and the environment into validated <see cref="ServerOptions"/>: the framework's providers
/// read them (<see cref="ServerConfiguration"/>), <see cref="ConfigurationBinder"/> binds them, and
/// <see cref="ServerOptionsValidator"/> checks them. Any problem is a <see cref="UserInputException"/> naming the
/// flag, variable or settings file at fault, raised before the host is built.
/// </summary>
public static class ServerArguments
{
    public static string Usage => ServerSettings.Usage;

    /// <summary>True when the arguments ask for help rather than a server.</summary>
    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>Options from flags over the process environment over the settings file.</summary>
    public static ServerOptions Parse(IReadOnlyList<string> args) => Parse(args, null);

    /// <summary>
    /// Options from flags over <paramref name="environment"/> (<c>FEATURESTORE_*</c> variables; null for the process
    /// environment) over the settings file.
    /// </summary>
    public static ServerOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment)
    {
        var configuration = ServerConfiguration.Build(args, environment);
        var validator = new ServerOptionsValidator(configuration);
        var failures = validator.ValidateConfiguration();
        if (failures.Count > 0)
        {
            throw new UserInputException(string.Join("; ", failures));
        }
        var options = new ServerOptions();
        configuration.Values.Bind(options);
        options.RepositoryPath = Path.GetFullPath(options.RepositoryPath);
        Validate(options, validator);
        return options;
    }

    /// <summary>Throws a <see cref="UserInputException"/> listing every setting out of range.</summary>
    internal static void Validate(ServerOptions options, IValidateOptions<ServerOptions>? validator = null)
    {
        var result = (validator ?? new ServerOptionsValidator()).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new UserInputException(string.Join("; ", result.Failures));
        }
    }
}
