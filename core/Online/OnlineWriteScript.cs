namespace FeatureStore.Core.Online;

/// <summary>
/// The server-side compare-and-set that makes online writes monotonic: per key, the stored version of the view
/// (event timestamp, then created timestamp) is compared with the new one and the value is written only when the new
/// one is not older, so re-running an old window or racing materializations never move an entity back in time, and
/// re-running the same window rewrites identical bytes. Then the key expiry is extended to event + TTL when that is
/// later than the current one (a view without TTL makes the key persistent; a persistent key stays so).
/// Many keys per call amortize dispatch; the caller keeps all keys of one call in one hash slot.
/// KEYS: entity hashes. ARGV[1]: view field; ARGV[2]: TTL in µs (0 = none); ARGV[2+i]: stored value for KEYS[i].
/// Returns how many keys were written. Needs Redis 7.0+ (PEXPIRETIME).
/// </summary>
public static class OnlineWriteScript
{
    public const string Source = """
        local field = ARGV[1]
        local ttl = tonumber(ARGV[2])
        local written = 0
        for i = 1, #KEYS do
          local key = KEYS[i]
          local value = ARGV[i + 2]
          local e, c = struct.unpack('>i8>i8', value)
          local exp = redis.call('PEXPIRETIME', key)
          local write = true
          if exp ~= -2 then
            local cur = redis.call('HGET', key, field)
            if cur and string.len(cur) >= 16 then
              local se, sc = struct.unpack('>i8>i8', cur)
              if se > e or (se == e and sc > c) then write = false end
            end
          end
          if write then
            redis.call('HSET', key, field, value)
            if ttl <= 0 then
              if exp >= 0 then redis.call('PERSIST', key) end
            elseif exp ~= -1 then
              local at = math.ceil((e + ttl) / 1000)
              if exp == -2 or at > exp then redis.call('PEXPIREAT', key, string.format('%d', at)) end
            end
            written = written + 1
          end
        end
        return written
        """;
}
