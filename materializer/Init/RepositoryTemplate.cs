using System.Reflection;
using FeatureStore.Core.Errors;

namespace FeatureStore.Materializer.Init;

/// <summary>One file of a new repository, relative to its folder.</summary>
internal sealed record TemplateFile(string RelativePath, string Content);

/// <summary>
/// The files <c>featurestore init</c> writes: <c>featurestore.yaml</c> with every setting explained, and the
/// definitions of a template: <c>driver</c>, the example repository's own files (embedded from <c>definitions/</c>,
/// so the two never drift apart) each under a comment saying what it declares; or <c>empty</c>, a skeleton of
/// commented-out examples.
/// </summary>
internal static class RepositoryTemplate
{
    public const string Driver = "driver";
    public const string Empty = "empty";
    public static readonly string[] Names = [Driver, Empty];

    public const string ConfigFile = "featurestore.yaml";
    public const string SkeletonFile = "features.yaml";

    /// <summary>What <c>.gitignore</c> must hold: local state and generated data are not definitions.</summary>
    public static readonly string[] IgnoredPaths = [".featurestore/", "data/", "*.log", "logs/"];

    private const string ResourcePrefix = "templates/driver/";

    /// <summary>Each example file and the comment put above it.</summary>
    private static readonly (string File, string Header)[] DriverFiles =
    [
        ("entities.yaml", """
            # Entities: the things features describe. Each is identified by one join key, the column that names it in
            # sources and in lookups, of type int32, int64, string or bytes. A view keyed by several entities has a
            # composite key.
            """),
        ("sources.yaml", """
            # Sources: Parquet data with an event time per row, read in place by DuckDB. path is a file, a folder of
            # Parquet files or a glob, relative to this folder. created_timestamp_field (optional) breaks ties between
            # rows with the same event time; field_mapping (optional) renames source columns to feature names.
            # The files in data/ are sample data (featurestore sample-data writes them again, e.g. with --end).
            """),
        ("driver_stats.yaml", """
            # A feature view: features of an entity read from a source. ttl is how long a value stays valid after its
            # event time (older values are answered as OUTSIDE_MAX_AGE; 0 or absent = forever); online: false keeps a
            # view for training sets only. Types: bool, int32, int64, float32, float64, string, bytes, timestamp, and
            # list<...> of them.
            """),
        ("customer_profile.yaml", """
            # Another feature view, keyed by the customer entity, with daily values (so a longer ttl).
            """),
        ("services.yaml", """
            # Feature services: the named list of features a model uses (a bare view name means all its features).
            # Look them up with --service driver_activity_v1, or "feature_service" over HTTP.
            """),
    ];

    private const string Skeleton = """
        # Definitions: featurestore apply reads every *.yaml file in this folder and below (hidden folders excepted),
        # so split them into files as you like. Uncomment and adapt; `featurestore init --template driver` writes a
        # complete, working example.
        #
        # entities:
        #   - name: driver
        #     join_key: driver_id
        #     value_type: int64                     # join keys: int32, int64, string or bytes
        #     description: A driver of the platform
        #
        # sources:
        #   - name: driver_stats_source
        #     path: data/driver_stats.parquet       # a file, a folder of Parquet files, or a glob
        #     timestamp_field: event_timestamp
        #     created_timestamp_field: created      # optional; breaks ties between rows with the same event time
        #
        # feature_views:
        #   - name: driver_hourly_stats
        #     entities: [driver]                    # several entities = composite key
        #     source: driver_stats_source
        #     ttl: 1d                               # <n>s, m, h, d, w; 0 or absent = never expires
        #     online: true                          # false = training sets only, never served
        #     owner: driver-team@example.com
        #     features:
        #       - {name: conv_rate, type: float32, description: Conversion rate}
        #       - {name: avg_daily_trips, type: int64}
        #
        # feature_services:
        #   - name: driver_activity_v1
        #     features: [driver_hourly_stats:conv_rate, driver_hourly_stats:avg_daily_trips]

        """;

    /// <summary>The files of <paramref name="template"/> for project <paramref name="project"/>.</summary>
    public static IReadOnlyList<TemplateFile> Files(string template, string project)
    {
        var files = new List<TemplateFile> { new(ConfigFile, Config(project)) };
        switch (template)
        {
            case Driver:
                files.AddRange(DriverFiles.Select(f => new TemplateFile(f.File, f.Header.TrimEnd() + "\n" + WithoutLeadingComments(Resource(f.File)))));
                break;
            case Empty:
                files.Add(new TemplateFile(SkeletonFile, Skeleton));
                break;
            default:
                throw new UserInputException($"Unknown template '{template}'; the templates are {string.Join(" and ", Names)}.");
        }
        return files;
    }

    /// <summary><paramref name="existing"/> (null for none) with every entry of <see cref="IgnoredPaths"/> it lacks added.</summary>
    public static string GitIgnore(string? existing)
    {
        var present = (existing ?? "").Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        var missing = IgnoredPaths.Where(p => !present.Contains(p)).ToArray();
        if (missing.Length == 0)
        {
            return existing!;
        }
        var text = existing is null or "" ? "" : existing.EndsWith('\n') ? existing + "\n" : existing + "\n\n";
        return text +
            "# featurestore: local state and generated data, not definitions. .featurestore/ holds the registry and the\n" +
            "# embedded online store; data/ the sample Parquet files.\n" +
            string.Join("\n", missing) + "\n";
    }

    private static string Config(string project) => $$"""
        # The feature repository's settings. Every other *.yaml file in this folder (and below) holds definitions.
        # Any value may read the environment: ${NAME} or ${NAME:-default}, so no credential is written down.

        # Names this repository's data in the online store (lower case letters, digits and _, starting with a letter).
        project: {{project}}

        # The online store holds the latest value of every feature for serving.
        #   embedded: Garnet hosted in-process by the first featurestore command or server that needs it, data in
        #             .featurestore/online; nothing to install (development and single-machine use).
        #   redis:    a Redis 7+ or Redis Cluster, e.g.
        #               online_store:
        #                 type: redis
        #                 connection_string: "${REDIS:-localhost:6379}"
        # FEATURESTORE_REDIS=host:port or --redis switches to a Redis without editing this file.
        online_store:
          type: embedded

        # The offline store reads the Parquet sources in place (DuckDB, in-process).
        offline_store:
          type: duckdb

        # Where applied definitions are kept, one version per apply; the server serves the newest.
        registry: .featurestore/registry

        """;

    private static string Resource(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"The driver template's {file} is not embedded in this build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().ReplaceLineEndings("\n");
    }

    /// <summary>The example's own opening comments speak of the example folder; the header replaces them.</summary>
    private static string WithoutLeadingComments(string text)
    {
        var lines = text.Split('\n');
        return string.Join("\n", lines.SkipWhile(l => l.TrimStart().StartsWith('#') || l.Trim().Length == 0));
    }
}
