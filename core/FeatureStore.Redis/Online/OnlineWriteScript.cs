using FeatureStore.Core.Definitions;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Online;
using FeatureStore.Core.PointInTime;
namespace FeatureStore.Redis;

/// <summary>
/// The server-side compare-and-set that makes online writes monotonic: per key, the stored version of the view
/// (the 16-byte header of <see cref="StoredViewValue"/>) is compared with the new one and the value is written only
/// when the new one is not older, so re-running an old window or racing materializations never move an entity back
/// in time. The comparison is <see cref="RowVersion.CompareTo"/>: event µs, then created µs, each a signed int64
/// (a missing created timestamp is <see cref="RowVersion.MissingCreated"/>, the least). Redis' Lua numbers are
/// doubles, exact only up to 2^53, so the script reads each int64 as its signed high and unsigned low 32-bit halves
/// (<c>struct.unpack('&gt;i4I4i4I4')</c>) and compares those in order, which equals the int64 order exactly.
/// A value identical to the stored one is not written again (re-running a window costs Redis reads, not writes); the
/// same version with other bytes (a corrected source) replaces it. The key expiry only ever grows: to event + TTL of the freshest view (a TTL raised in the
/// definitions extends it on the next run); a view without TTL uses <see cref="NeverMillis"/> (9999-12-31), so every
/// key written has an expiry and "no expiry" means "just created". That makes a new key (the common case) two
/// commands: HSETNX, then PEXPIREAT NX.
/// Many keys per call amortize dispatch; the caller keeps all keys of one call in one hash slot.
/// KEYS: entity hashes. ARGV[1]: view field; then per key i: ARGV[2i] the stored value, ARGV[2i+1] its expiry
/// (Unix ms). Returns how many keys were written (changed). Needs Redis 7.0+ (PEXPIREAT NX/GT).
/// </summary>
public static class OnlineWriteScript
{
    /// <summary>The expiry of keys whose views have no TTL: 9999-12-31T23:59:59.999Z, i.e. never.</summary>
    public const long NeverMillis = 253402300799999;

    /// <summary>The commands the script runs (for an ACL user's rule, and to name them when the user may not).</summary>
    public static readonly IReadOnlyList<string> Commands = ["hsetnx", "hget", "hset", "pexpireat", "pexpiretime"];

    public const string Source = """
        local function older(a, b)
          local a1, a2, a3, a4 = struct.unpack('>i4I4i4I4', a)
          local b1, b2, b3, b4 = struct.unpack('>i4I4i4I4', b)
          if a1 ~= b1 then return a1 < b1 end
          if a2 ~= b2 then return a2 < b2 end
          if a3 ~= b3 then return a3 < b3 end
          return a4 < b4
        end
        local field = ARGV[1]
        local written = 0
        for i = 1, #KEYS do
          local key = KEYS[i]
          local value = ARGV[2 * i]
          local at = ARGV[2 * i + 1]
          if redis.call('HSETNX', key, field, value) == 1 then
            if redis.call('PEXPIREAT', key, at, 'NX') == 0 then redis.call('PEXPIREAT', key, at, 'GT') end
            written = written + 1
          else
            local cur = redis.call('HGET', key, field)
            if string.len(cur) < 16 or not older(value, cur) then
              if cur ~= value then
                redis.call('HSET', key, field, value)
                written = written + 1
              end
              local expires = redis.call('PEXPIRETIME', key)
              if expires == -1 or expires < tonumber(at) then redis.call('PEXPIREAT', key, at) end
            end
          end
        end
        return written
        """;

    /// <summary>The expiry argument for a row: event + TTL in Unix ms, rounded up (the TTL bound is inclusive).</summary>
    public static long ExpiryMillis(long eventMicros, long ttlMicros)
    {
        if (ttlMicros <= 0)
        {
            return NeverMillis;
        }
        var micros = eventMicros + ttlMicros;
        var millis = micros / 1000 + (micros % 1000 > 0 ? 1 : 0);
        return Math.Clamp(millis, 1, NeverMillis);
    }
}
