using System.Text.RegularExpressions;
using System.Text;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// Where a project's online data lives in Redis. One hash per entity key, holding every view of that entity set:
/// <code>
/// key    fs:{&lt;project&gt;:&lt;bucket&gt;}&lt;entity names, sorted, comma-separated&gt;:&lt;encoded join-key values&gt;
///        bucket = 3 hex digits, FNV-1a of the rest of the key mod 1024 (the Redis Cluster hash tag)
/// field  &lt;view name&gt; = 16-byte version header (event µs, created µs; int64 big-endian) + FeatureValueCodec blob
/// expiry the latest over the hash's views of event time + TTL (9999-12-31 for a view without TTL)
/// fs:{&lt;project&gt;}:views         hash: view name to "registry version:schema fingerprint" of the data written (<see cref="ViewRecord"/>)
/// fs:{&lt;project&gt;}:lock:&lt;view&gt;   materialization lock (token, with expiry)
/// </code>
/// The hash tag groups keys into 1024 slots per project, so a write script can take many keys per call and stay
/// cluster-safe (all keys of one call share a bucket) while a cluster still spreads a project over its nodes.
/// Sorting entity names makes views keyed by the same entities share one hash whatever order they list them in.
/// </summary>
public sealed partial class OnlineKeyLayout
{
    public const int BucketCount = 1024;

    private const string Prefix = "fs:";

    public OnlineKeyLayout(string project)
    {
        if (string.IsNullOrEmpty(project) || !ProjectPattern().IsMatch(project))
        {
            throw new UserInputException($"Project name '{project}' is not valid for the online store: use [a-z][a-z0-9_]*.");
        }
        Project = project;
    }

    public string Project { get; }

    /// <summary>SCAN pattern that matches every entity hash of the project (and nothing of another project).</summary>
    public string EntityKeyPattern => $"{Prefix}{{{Project}:*";

    /// <summary>
    /// One key in the slot of each bucket: whoever owns these slots holds all of the project's entity data (on a
    /// cluster, the primaries to scan and to load the write script on).
    /// </summary>
    public IEnumerable<RedisKey> BucketKeys =>
        Enumerable.Range(0, BucketCount).Select(bucket => (RedisKey)$"{Prefix}{{{Project}:{bucket:x3}}}");

    /// <summary>Hash of view name to the registry version and schema fingerprint its online data was written with.</summary>
    public RedisKey ViewsKey => $"{Prefix}{{{Project}}}:views";

    /// <summary>SCAN pattern that matches the project's hash-tagged keys: the view list and the materialization locks.</summary>
    public string TaggedKeyPattern => $"{Prefix}{{{Project}}}:*";

    public RedisKey LockKey(string view) => $"{Prefix}{{{Project}}}:lock:{view}";

    /// <summary>The hash field holding one view's value.</summary>
    public static RedisValue ViewField(string view) => view;

    /// <summary>The key builder for a view's entity set (its entities sorted by name).</summary>
    public EntitySetKeys ForView(DefinitionSet definitions, FeatureViewDefinition view) =>
        new(Project, definitions.EntitiesOf(view));

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ProjectPattern();
}
