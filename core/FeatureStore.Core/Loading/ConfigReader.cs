using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Scheduling;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads <c>featurestore.yaml</c> and applies the precedence rules, lowest first: the file, then the environment
/// variables <c>FEATURESTORE_REDIS</c>, <c>FEATURESTORE_REDIS_PASSWORD</c>, <c>FEATURESTORE_REDIS_TLS_CA</c> and
/// <c>FEATURESTORE_REGISTRY</c>, then command-line overrides.
/// A file that names no online store gets the embedded one, so a new repository needs no server; a Redis connection
/// string from the environment or a flag switches any repository to that Redis.
/// </summary>
internal static class ConfigReader
{
    public const string RedisVariable = "FEATURESTORE_REDIS";
    public const string RedisPasswordVariable = "FEATURESTORE_REDIS_PASSWORD";
    public const string RedisTlsCaVariable = "FEATURESTORE_REDIS_TLS_CA";
    public const string RegistryVariable = "FEATURESTORE_REGISTRY";
    public const string DefaultRegistry = ".featurestore/registry";
    public const string DefaultEmbeddedPath = ".featurestore/online";

    private static readonly string[] TopKeys = ["project", "online_store", "offline_store", "registry", "materialization", "logging"];
    private static readonly string[] OnlineKeys = ["type", "connection_string", "path", "port", "tls_ca_file"];
    private static readonly string[] OnlineTypes = [OnlineStoreTypes.Embedded, OnlineStoreTypes.Redis];
    private static readonly string[] OfflineKeys = ["type"];
    private static readonly string[] MaterializationKeys = ["schedule"];
    private static readonly string[] LoggingKeys = ["path", "flush_interval", "log_ad_hoc"];

    /// <summary>The absolute repository folder; a missing folder or config file is a <see cref="NotFoundException"/>.</summary>
    public static string ResolveRoot(string repositoryFolder)
    {
        if (string.IsNullOrWhiteSpace(repositoryFolder))
        {
            throw new UserInputException("No repository folder given.");
        }
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryFolder));
        if (!Directory.Exists(root))
        {
            throw new NotFoundException($"Feature repository folder '{repositoryFolder}' does not exist.");
        }
        if (!File.Exists(Path.Combine(root, RepositoryFiles.ConfigFileName)))
        {
            throw new NotFoundException(
                $"'{repositoryFolder}' is not a feature repository: it has no {RepositoryFiles.ConfigFileName}.");
        }
        return root;
    }

    public static string ConfigPath(string root) => Path.Combine(root, RepositoryFiles.ConfigFileName);

    /// <summary>The settings, or null when problems (recorded in <paramref name="problems"/>) prevent building them.</summary>
    public static RepositoryConfig? Read(
        string root, string text, ConfigOverrides overrides, Func<string, string?> environment, ProblemList problems)
    {
        var file = RepositoryFiles.ConfigFileName;
        var before = problems.Count;
        var documents = YamlDocumentReader.Parse(text, file, problems);
        if (problems.Count > before)
        {
            return null;
        }
        var reader = new YamlNodeReader(file, problems, environment);
        if (documents.Count != 1 || YamlNodeReader.IsNull(documents[0]))
        {
            problems.Add(new SourceLocation(file, 1, 1),
                documents.Count > 1 ? "featurestore.yaml must hold one document" : "featurestore.yaml is empty; it needs at least 'project'");
            return null;
        }
        if (reader.Map(documents[0], "featurestore.yaml") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, TopKeys, "featurestore.yaml");

        var project = reader.Scalar(reader.Required(map, entries, "project", "featurestore.yaml"), "project");
        if (project is { } p && !NameRules.IsValidProject(p.Value))
        {
            problems.Add(p.Location,
                $"invalid project name '{p.Value}': it must match {NameRules.ProjectPattern} (lower case letters, digits and _, starting with a letter)");
        }

        var online = ReadOnlineStore(reader, root, YamlNodeReader.Optional(entries, "online_store"));
        var tlsCaFile = online.TlsCaFile;
        if (YamlNodeReader.Optional(entries, "offline_store") is { } offlineNode && reader.Map(offlineNode, "offline_store") is { } offline)
        {
            var offlineEntries = reader.Entries(offline, OfflineKeys, "offline_store");
            CheckType(reader, YamlNodeReader.Optional(offlineEntries, "type"), "offline_store", "duckdb");
        }
        var schedule = ReadSchedule(reader, YamlNodeReader.Optional(entries, "materialization"));
        var registry = Path.GetFullPath(Path.Combine(root, DefaultRegistry));
        if (reader.Scalar(YamlNodeReader.Optional(entries, "registry"), "registry") is { } registryValue)
        {
            registry = Path.GetFullPath(Path.Combine(root, registryValue.Value));
        }

        var logging = ReadLogging(reader, root, YamlNodeReader.Optional(entries, "logging"));

        // Environment beats the file (even a hard-coded value), and flags beat the environment. Paths given in the
        // environment or on the command line are typed relative to where the command runs, not to the repository.
        if (environment(RedisVariable) is { Length: > 0 } redisFromEnvironment)
        {
            online = online with { Type = OnlineStoreTypes.Redis, Redis = redisFromEnvironment };
        }
        var redisPassword = environment(RedisPasswordVariable) is { Length: > 0 } password ? password : null;
        if (environment(RedisTlsCaVariable) is { Length: > 0 } tlsCaFromEnvironment)
        {
            tlsCaFile = Path.GetFullPath(tlsCaFromEnvironment);
        }
        if (environment(RegistryVariable) is { Length: > 0 } registryFromEnvironment)
        {
            registry = Path.GetFullPath(registryFromEnvironment);
        }
        if (!string.IsNullOrWhiteSpace(overrides.RedisConnectionString))
        {
            online = online with { Type = OnlineStoreTypes.Redis, Redis = overrides.RedisConnectionString };
        }
        if (!string.IsNullOrWhiteSpace(overrides.RegistryPath))
        {
            registry = Path.GetFullPath(overrides.RegistryPath);
        }

        if (problems.Count > before || project is null)
        {
            return null;
        }
        return new RepositoryConfig
        {
            Root = root,
            Project = project.Value.Value,
            OnlineStoreType = online.Type,
            RedisConnectionString = online.Redis,
            EmbeddedStore = online.Type == OnlineStoreTypes.Embedded ? online.Embedded : null,
            RedisPassword = redisPassword,
            RedisTlsCaFile = tlsCaFile,
            OfflineStoreType = "duckdb",
            RegistryPath = Path.TrimEndingDirectorySeparator(registry),
            MaterializationSchedule = schedule,
            Logging = logging,
        };
    }

    /// <summary>The <c>logging</c> section (path relative to the repository, flush interval, log_ad_hoc), or its defaults.</summary>
    private static FeatureLoggingConfig ReadLogging(YamlNodeReader reader, string root, YamlNode? node)
    {
        var settings = FeatureLoggingConfig.Default(root);
        if (node is null || reader.Map(node, "logging") is not { } map)
        {
            return settings;
        }
        var entries = reader.Entries(map, LoggingKeys, "logging");
        if (YamlNodeReader.Optional(entries, "path") is { } pathNode && reader.Scalar(pathNode, "logging.path") is { } path)
        {
            if (string.IsNullOrWhiteSpace(path.Value))
            {
                reader.Problems.Add(path.Location, "logging.path is empty; give the folder for the log files, e.g. logs/");
            }
            else
            {
                settings = settings with { Path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, path.Value))) };
            }
        }
        if (reader.Scalar(YamlNodeReader.Optional(entries, "flush_interval"), "logging.flush_interval") is { } interval)
        {
            if (!DurationParser.TryParse(interval.Value, out var flush, out var problem))
            {
                reader.Problems.Add(interval.Location, $"malformed duration '{interval.Value}' for logging.flush_interval: {problem}");
            }
            else if (flush <= TimeSpan.Zero)
            {
                reader.Problems.Add(interval.Location, "logging.flush_interval must be longer than 0 (e.g. 10s)");
            }
            else
            {
                settings = settings with { FlushInterval = flush };
            }
        }
        if (reader.Scalar(YamlNodeReader.Optional(entries, "log_ad_hoc"), "logging.log_ad_hoc") is { } adHoc)
        {
            if (adHoc.Value is "true" or "True" or "TRUE")
            {
                settings = settings with { LogAdHoc = true };
            }
            else if (adHoc.Value is not ("false" or "False" or "FALSE"))
            {
                reader.Problems.Add(adHoc.Location, $"logging.log_ad_hoc must be true or false, not '{adHoc.Value}'");
            }
        }
        return settings;
    }

    /// <summary>What <c>online_store</c> says, before the environment and flags.</summary>
    private sealed record OnlineChoice(string Type, string Redis, EmbeddedStoreSettings Embedded, string? TlsCaFile = null);

    /// <summary>
    /// The online store section. Without a type, a connection string means Redis (as before the embedded store
    /// existed) and nothing means the embedded store. Keys of the other type are errors rather than ignored, so a
    /// repository never silently uses a store its author did not mean.
    /// </summary>
    private static OnlineChoice ReadOnlineStore(YamlNodeReader reader, string root, YamlNode? node)
    {
        var embedded = new EmbeddedStoreSettings(Path.GetFullPath(Path.Combine(root, DefaultEmbeddedPath)));
        var choice = new OnlineChoice(OnlineStoreTypes.Embedded, "localhost:6379", embedded);
        if (node is null || reader.Map(node, "online_store") is not { } online)
        {
            return choice;
        }
        var entries = reader.Entries(online, OnlineKeys, "online_store");
        var type = reader.Scalar(YamlNodeReader.Optional(entries, "type"), "online_store.type");
        var connection = reader.Scalar(YamlNodeReader.Optional(entries, "connection_string"), "online_store.connection_string");
        var path = reader.Scalar(YamlNodeReader.Optional(entries, "path"), "online_store.path");
        var port = reader.Scalar(YamlNodeReader.Optional(entries, "port"), "online_store.port");
        var tlsCaNode = YamlNodeReader.Optional(entries, "tls_ca_file");
        if (type is { } t && !OnlineTypes.Contains(t.Value, StringComparer.Ordinal))
        {
            reader.Problems.Add(t.Location,
                $"unsupported online_store type '{t.Value}'; the supported types are '{OnlineStoreTypes.Embedded}' (in-process, the default) and '{OnlineStoreTypes.Redis}'");
            return choice;
        }
        var chosen = type?.Value ?? (connection is null ? OnlineStoreTypes.Embedded : OnlineStoreTypes.Redis);
        if (chosen == OnlineStoreTypes.Redis)
        {
            foreach (var (key, value) in new[] { ("path", path), ("port", port) })
            {
                if (value is { } given)
                {
                    reader.Problems.Add(given.Location,
                        $"online_store.{key} applies to type '{OnlineStoreTypes.Embedded}' only; a Redis is named by connection_string");
                }
            }
            return choice with
            {
                Type = OnlineStoreTypes.Redis, Redis = connection?.Value ?? choice.Redis, TlsCaFile = ReadTlsCaFile(reader, root, tlsCaNode),
            };
        }
        if (connection is { } cs)
        {
            reader.Problems.Add(cs.Location,
                $"online_store.connection_string applies to type '{OnlineStoreTypes.Redis}' only; the embedded store is found through its path (FEATURESTORE_REDIS or --redis switch to a Redis)");
        }
        if (reader.Scalar(tlsCaNode, "online_store.tls_ca_file") is { } tls)
        {
            reader.Problems.Add(tls.Location,
                $"online_store.tls_ca_file applies to type '{OnlineStoreTypes.Redis}' only; the embedded store listens on loopback without TLS");
        }
        if (path is { } p)
        {
            if (string.IsNullOrWhiteSpace(p.Value))
            {
                reader.Problems.Add(p.Location, "online_store.path is empty; leave it out for the default .featurestore/online");
            }
            else
            {
                embedded = embedded with { Path = Path.GetFullPath(Path.Combine(root, p.Value)) };
            }
        }
        if (port is { } portValue)
        {
            if (int.TryParse(portValue.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                && number is >= 0 and <= 65535)
            {
                embedded = embedded with { Port = number };
            }
            else
            {
                reader.Problems.Add(portValue.Location,
                    $"online_store.port '{portValue.Value}' is not a port: it must be a whole number from 0 (a free loopback port) to 65535");
            }
        }
        return choice with { Embedded = embedded with { Path = Path.TrimEndingDirectorySeparator(embedded.Path) } };
    }

    /// <summary><c>materialization: {schedule: CRON}</c>: the default schedule of online views, checked here.</summary>
    private static string? ReadSchedule(YamlNodeReader reader, YamlNode? node)
    {
        if (node is null || reader.Map(node, "materialization") is not { } map)
        {
            return null;
        }
        var entries = reader.Entries(map, MaterializationKeys, "materialization");
        if (reader.Scalar(YamlNodeReader.Optional(entries, "schedule"), "materialization.schedule") is not { } text)
        {
            return null;
        }
        if (!CronSchedule.TryParse(text.Value, out var schedule, out var problem))
        {
            reader.Problems.Add(text.Location, $"malformed materialization.schedule '{text.Value}': {problem}");
            return null;
        }
        return schedule.Text;
    }

    /// <summary><c>online_store.tls_ca_file</c>: a path relative to the repository; whether it exists is checked on connect.</summary>
    private static string? ReadTlsCaFile(YamlNodeReader reader, string root, YamlNode? node)
    {
        if (reader.Scalar(node, "online_store.tls_ca_file") is not { } file)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(file.Value))
        {
            reader.Problems.Add(file.Location, "online_store.tls_ca_file is empty; give the path of the CA certificate (PEM) or leave the key out");
            return null;
        }
        return Path.GetFullPath(Path.Combine(root, file.Value));
    }

    private static void CheckType(YamlNodeReader reader, YamlNode? node, string section, string supported)
    {
        if (reader.Scalar(node, $"{section}.type") is { } type && type.Value != supported)
        {
            reader.Problems.Add(type.Location, $"unsupported {section} type '{type.Value}'; the only supported type is '{supported}'");
        }
    }
}
