using System.Globalization;
using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using StackExchange.Redis;

namespace FeatureStore.Redis;

/// <summary>
/// One entry of a project's view list (<see cref="OnlineKeyLayout.ViewsKey"/>): the schema fingerprint a view's
/// online data was written with and the registry version of the run that wrote it, stored as
/// <c>&lt;version&gt;:&lt;fingerprint&gt;</c>. The version orders runs that use different registry versions at the
/// same time (an <c>apply</c> can land between two materializations): a run never deletes, nor overwrites with another
/// schema, what a newer version recorded. An entry holding only a fingerprint reads as version 0.
/// </summary>
internal readonly record struct ViewRecord(long Version, uint Fingerprint)
{
    /// <summary>
    /// Records a view for a writer, atomically. Returns 1 when recorded (or already recorded by a newer version with
    /// the same schema, which stays); returns the entry as it is when a newer version recorded another schema.
    /// KEYS[1]: the view list. ARGV: view name, registry version, fingerprint.
    /// </summary>
    public const string RegisterScript = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        local mine = tonumber(ARGV[2])
        if current then
          local version, fingerprint = string.match(current, '^(%d+):(%d+)$')
          if version == nil then
            version, fingerprint = 0, current
          else
            version = tonumber(version)
          end
          if version > mine then
            if fingerprint == ARGV[3] then return 1 end
            return current
          end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
        return 1
        """;

    /// <summary>The commands <see cref="RegisterScript"/> runs (for an ACL user's rule).</summary>
    public static readonly IReadOnlyList<string> RegisterCommands = ["hget", "hset"];

    /// <summary>The commands <see cref="RemoveIfUnchangedScript"/> runs.</summary>
    public static readonly IReadOnlyList<string> RemoveCommands = ["hget", "hdel"];

    /// <summary>Deletes a view's entry only if it still holds what the caller read. ARGV: view name, entry.</summary>
    public const string RemoveIfUnchangedScript = """
        if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
          return redis.call('HDEL', KEYS[1], ARGV[1])
        end
        return 0
        """;

    public static bool TryParse(RedisValue value, out ViewRecord record)
    {
        record = default;
        var text = (string?)value;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // Recorded before versions were: the fingerprint alone.
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
            {
                return false;
            }
            record = new ViewRecord(0, bare);
            return true;
        }
        if (!long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ||
            !uint.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var fingerprint))
        {
            return false;
        }
        record = new ViewRecord(version, fingerprint);
        return true;
    }
}
