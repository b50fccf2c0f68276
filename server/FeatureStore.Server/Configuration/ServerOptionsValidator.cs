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
                failures.Add($"{OriginOf(setting.Key)}: {problem}");
            }
        }
        CheckPortsDiffer(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Two listeners on one port would fail at start with a bare "address in use"; say which settings clash instead.</summary>
    private void CheckPortsDiffer(ServerOptions options, List<string> failures)
    {
        (string Key, string Name, int Port)[] listeners =
        [
            ("http_port", "HTTP port", options.HttpPort),
            ("grpc_port", "gRPC port", options.GrpcPort),
            ("ui_port", "UI port", options.UiPort),
        ];
        for (var i = 0; i < listeners.Length; i++)
        {
            for (var j = i + 1; j < listeners.Length; j++)
            {
                if (listeners[j].Port != 0 && listeners[j].Port == listeners[i].Port)
                {
                    // Name the setting the user wrote; the other may be a default they never thought of.
                    var (culprit, other) = configuration?.OriginOf(listeners[j].Key) is null && configuration?.OriginOf(listeners[i].Key) is not null
                        ? (listeners[i], listeners[j])
                        : (listeners[j], listeners[i]);
                    var otherIsDefault = configuration is not null && configuration.OriginOf(other.Key) is null;
                    failures.Add($"{OriginOf(culprit.Key)}: {culprit.Port} is also the {other.Name}{(otherIsDefault ? " (its default)" : "")}; every listener needs a port of its own.");
                }
            }
        }
    }

    private string OriginOf(string key) => configuration?.OriginOf(key) ?? $"option {key}";

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
