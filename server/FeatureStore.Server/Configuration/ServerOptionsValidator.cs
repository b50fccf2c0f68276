using Microsoft.Extensions.Options;

namespace FeatureStore.Server.Configuration;

/// <summary>
/// Checks every setting against its rule in <see cref="ServerSettings"/>. Given the configuration the options came
/// from, a failure names the flag, variable or settings file that supplied the value; options built in code are
/// named by their key.
/// </summary>
internal sealed class ServerOptionsValidator(ServerConfiguration? configuration = null) : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        foreach (var setting in ServerSettings.All)
        {
            var value = setting.Read(options);
            if (value is not null && setting.Check(value) is { } problem)
            {
                failures.Add($"{configuration?.OriginOf(setting.Key) ?? $"option {setting.Key}"}: {problem}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Checks the values as written, before binding: a value the binder cannot convert (a word for a port) is reported
    /// like any other bad value instead of failing inside the binder.
    /// </summary>
    public IReadOnlyList<string> ValidateConfiguration()
    {
        var failures = new List<string>();
        if (configuration is null)
        {
            return failures;
        }
        foreach (var setting in ServerSettings.All)
        {
            if (configuration.Values[setting.Key] is { } value && setting.Check(value) is { } problem)
            {
                failures.Add($"{configuration.OriginOf(setting.Key)}: {problem}");
            }
        }
        return failures;
    }
}
