namespace FeatureStore.Core.Definitions;

/// <summary>
/// The <c>logging</c> section of <c>featurestore.yaml</c>: where served-feature logs go and how often the server
/// flushes them. Which services are logged is said per service (<see cref="FeatureServiceLogging"/>).
/// </summary>
public sealed record FeatureLoggingConfig
{
    public const string DefaultFolder = "logs";

    public static readonly TimeSpan DefaultFlushInterval = TimeSpan.FromSeconds(10);

    /// <summary>Absolute folder of the log files; <c>&lt;path&gt;/&lt;service&gt;/date=YYYY-MM-DD/*.parquet</c> below it.</summary>
    public required string Path { get; init; }

    /// <summary>Queued rows are written at least this often (and at 10,000 rows, and on shutdown).</summary>
    public TimeSpan FlushInterval { get; init; } = DefaultFlushInterval;

    /// <summary>Also log requests that name features directly instead of a feature service (every one of them).</summary>
    public bool LogAdHoc { get; init; }

    /// <summary>The settings when featurestore.yaml has no <c>logging</c> section: <c>logs/</c> in the repository, 10 s.</summary>
    public static FeatureLoggingConfig Default(string repositoryRoot) =>
        new() { Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(repositoryRoot, DefaultFolder)) };
}
