namespace FeatureStore.Tests.Infrastructure;

[Collection(RedisCollection.Name)]
public sealed class RedisFixtureTests(RedisFixture redis)
{
    [Fact]
    public async Task Fixture_provides_a_real_redis_that_round_trips_a_value()
    {
        var db = redis.Connection.GetDatabase();
        var key = $"{RedisFixture.UniqueProject()}:probe";
        await db.StringSetAsync(key, "value", TimeSpan.FromMinutes(1));
        Assert.Equal("value", (string?)await db.StringGetAsync(key));
    }
}
