using FeatureStore.Core.Errors;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// The server's configuration from the framework's providers, lowest precedence first: an optional JSON settings
/// file (<c>--settings</c> / <c>FEATURESTORE_SETTINGS</c>), <c>FEATURESTORE_*</c> environment variables, then flags
/// (switch-mapped to the same keys). Knows which provider supplied each value, so errors name the flag, the variable
/// or the file at fault.
/// </summary>
internal sealed class ServerConfiguration
{
    private readonly IConfigurationRoot _root;
    private readonly string? _settingsFile;

    private ServerConfiguration(IConfigurationRoot root, string? settingsFile)
    {
        _root = root;
        _settingsFile = settingsFile;
        // A blank value (an exported but empty variable) leaves the setting at its default, and values are trimmed.
        Values = new ConfigurationBuilder()
            .AddInMemoryCollection(root.AsEnumerable()
                .Where(e => !string.IsNullOrWhiteSpace(e.Value))
                .Select(e => KeyValuePair.Create(e.Key, e.Value?.Trim())))
            .Build();
    }

    /// <summary>The effective values, to bind: blank ones dropped, the rest trimmed.</summary>
    public IConfiguration Values { get; }

    /// <summary>
    /// Reads <paramref name="args"/> over the environment (the process's when <paramref name="environment"/> is null;
    /// tests pass a dictionary of <c>FEATURESTORE_*</c> variables) over the settings file they name.
    /// </summary>
    public static ServerConfiguration Build(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment)
    {
        CheckFlags(args);
        args = ExpandSwitches(args);
        var withoutFile = Compose(null, args, environment).Build();
        var settingsFile = withoutFile[ServerSettings.SettingsFileKey] is { Length: > 0 } named ? Path.GetFullPath(named) : null;
        if (settingsFile is not null && !File.Exists(settingsFile))
        {
            throw new UserInputException($"{Origin(withoutFile, ServerSettings.SettingsFileKey, null)}: the settings file '{settingsFile}' does not exist.");
        }
        IConfigurationRoot root;
        try
        {
            root = Compose(settingsFile, args, environment).Build();
        }
        catch (InvalidDataException ex)
        {
            throw new UserInputException($"The settings file '{settingsFile}' is not valid JSON: {ex.InnerException?.Message ?? ex.Message}");
        }
        var configuration = new ServerConfiguration(root, settingsFile);
        configuration.CheckSettingsFileKeys();
        return configuration;
    }

    /// <summary>Where the value of <paramref name="key"/> came from ("flag --http-port", ...); null when unset.</summary>
    public string? OriginOf(string key) => Origin(_root, key, _settingsFile);

    private static IConfigurationBuilder Compose(
        string? settingsFile, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment)
    {
        var builder = new ConfigurationBuilder();
        if (settingsFile is not null)
        {
            builder.AddJsonFile(settingsFile, optional: false, reloadOnChange: false);
        }
        if (environment is null)
        {
            builder.AddEnvironmentVariables(ServerSettings.EnvironmentPrefix);
        }
        else
        {
            // What the environment provider does with the process environment: keep the prefixed names, drop the prefix.
            builder.AddInMemoryCollection(environment
                .Where(e => e.Key.StartsWith(ServerSettings.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                .Select(e => KeyValuePair.Create(e.Key[ServerSettings.EnvironmentPrefix.Length..], e.Value)));
        }
        builder.AddCommandLine([.. args], ServerSettings.All.Where(s => s.Flag is not null).ToDictionary(s => s.Flag!, s => s.Key, StringComparer.Ordinal));
        return builder;
    }

    /// <summary>
    /// The command-line provider skips what it cannot read (a bare word, a flag without a value) and takes any
    /// <c>--name</c> as a key; refuse those instead, so a typo never silently leaves a default in place.
    /// </summary>
    private static void CheckFlags(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UserInputException($"Unknown argument '{arg}' (see --help).");
            }
            var equals = arg.IndexOf('=');
            var flag = equals > 0 ? arg[..equals] : arg;
            if (ServerSettings.ByFlag(flag) is null)
            {
                throw new UserInputException($"Unknown flag '{flag}' (see --help).");
            }
            if (equals < 0 && !IsBareSwitch(args, i))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UserInputException($"Flag {flag} needs a value.");
                }
                i++;
            }
        }
    }

    /// <summary>A switch standing alone (no value after it) means true; the command-line provider needs it spelt out.</summary>
    private static IReadOnlyList<string> ExpandSwitches(IReadOnlyList<string> args) =>
        args.Select((arg, i) => IsBareSwitch(args, i) ? arg + "=true" : arg).ToArray();

    private static bool IsBareSwitch(IReadOnlyList<string> args, int i) =>
        ServerSettings.ByFlag(args[i]) is { IsSwitch: true }
        && (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal));

    /// <summary>A settings file is written by hand: a misspelt key is an error rather than a silent default.</summary>
    private void CheckSettingsFileKeys()
    {
        var file = _root.Providers.OfType<JsonConfigurationProvider>().FirstOrDefault();
        if (file is null)
        {
            return;
        }
        foreach (var key in file.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (ServerSettings.ByKey(key) is not { } setting || setting.Key == ServerSettings.SettingsFileKey)
            {
                throw new UserInputException(
                    $"settings file {_settingsFile}: unknown key '{key}'; known keys: {string.Join(", ", ServerSettings.All.Where(s => s.Key != ServerSettings.SettingsFileKey).Select(s => s.Key))}.");
            }
        }
    }

    private static string? Origin(IConfigurationRoot root, string key, string? settingsFile)
    {
        var setting = ServerSettings.ByKey(key);
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }
            return provider switch
            {
                CommandLineConfigurationProvider => $"flag {setting?.Flag ?? key}",
                JsonConfigurationProvider => $"settings file {settingsFile} key '{key}'",
                EnvironmentVariablesConfigurationProvider or MemoryConfigurationProvider => $"environment variable {setting?.Environment ?? key}",
                _ => key,
            };
        }
        return null;
    }
}
