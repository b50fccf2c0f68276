namespace FeatureStore.Server.Configuration;

/// <summary>
/// One server setting under its three spellings: the configuration key (settings file, and the name that
/// <see cref="ServerOptions"/> binds), the flag and the environment variable. <see cref="Check"/> returns what is
/// wrong with a value as written, or null; <see cref="Read"/> renders a bound value the same way, so one rule checks
/// both configuration and options built in code. A <see cref="IsSwitch"/> flag may stand alone, meaning true. A secret
/// (an access token) has no flag: a command line is visible to every user of the machine.
/// </summary>
internal sealed record ServerSetting(
    string Key,
    string? Flag,
    string Environment,
    string Help,
    Func<string, string?> Check,
    Func<ServerOptions, string?> Read,
    bool IsSwitch = false);
