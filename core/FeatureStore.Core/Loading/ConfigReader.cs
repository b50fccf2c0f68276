using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Reads <c>featurestore.yaml</c> and applies the precedence rules, lowest first: the file, then the environment
/// variables <c>FEATURESTORE_REDIS</c> and <c>FEATURESTORE_REGISTRY</c>, then command-line overrides.
/// </summary>
internal static class ConfigReader
{
    public const string RedisVariable = "FEATURESTORE_REDIS";
    public const string RegistryVariable = "FEATURESTORE_REGISTRY";
    public const string DefaultRegistry = ".featurestore/registry";

    private static readonly string[] TopKeys = ["project", "online_store", "offline_store", "registry", "logging"];
    private static readonly string[] OnlineKeys = ["type", "connection_string"];
    private static readonly string[] OfflineKeys = ["type"];
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

        var redis = "localhost:6379";
        if (YamlNodeReader.Optional(entries, "online_store") is { } onlineNode && reader.Map(onlineNode, "online_store") is { } online)
        {
            var onlineEntries = reader.Entries(online, OnlineKeys, "online_store");
            CheckType(reader, YamlNodeReader.Optional(onlineEntries, "type"), "online_store", "redis");
            if (reader.Scalar(YamlNodeReader.Optional(onlineEntries, "connection_string"), "online_store.connection_string") is { } cs)
            {
                redis = cs.Value;
            }
        }
        if (YamlNodeReader.Optional(entries, "offline_store") is { } offlineNode && reader.Map(offlineNode, "offline_store") is { } offline)
        {
            var offlineEntries = reader.Entries(offline, OfflineKeys, "offline_store");
            CheckType(reader, YamlNodeReader.Optional(offlineEntries, "type"), "offline_store", "duckdb");
        }
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
            redis = redisFromEnvironment;
        }
        if (environment(RegistryVariable) is { Length: > 0 } registryFromEnvironment)
        {
            registry = Path.GetFullPath(registryFromEnvironment);
        }
        if (!string.IsNullOrWhiteSpace(overrides.RedisConnectionString))
        {
            redis = overrides.RedisConnectionString;
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
            OnlineStoreType = "redis",
            RedisConnectionString = redis,
            OfflineStoreType = "duckdb",
            RegistryPath = Path.TrimEndingDirectorySeparator(registry),
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

    private static void CheckType(YamlNodeReader reader, YamlNode? node, string section, string supported)
    {
        if (reader.Scalar(node, $"{section}.type") is { } type && type.Value != supported)
        {
            reader.Problems.Add(type.Location, $"unsupported {section} type '{type.Value}'; the only supported type is '{supported}'");
        }
    }
}
