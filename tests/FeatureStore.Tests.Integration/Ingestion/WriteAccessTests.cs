using System.Net;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Auth;
using FeatureStore.Server.Configuration;
using FeatureStore.Server.Errors;
using FeatureStore.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace FeatureStore.Tests.Ingestion;

/// <summary>Write endpoints need a write token; without configured tokens they serve loopback clients only.</summary>
[Collection(RedisCollection.Name)]
public sealed class WriteAccessTests(RedisFixture redis)
{
    private const string WriteToken = "w-0123456789abcdef-first";
    private const string OtherWriteToken = "w-0123456789abcdef-second";
    private const string ReadToken = "r-0123456789abcdef-reader";

    private static readonly object Push = PushRepository.Body("online", (1001, PushRepository.T0.AddHours(1), 0.5));

    [Fact]
    public async Task With_write_tokens_a_push_needs_one_and_reads_stay_open()
    {
        var tokens = Path.GetTempFileName();
        await File.WriteAllLinesAsync(tokens, ["# write tokens", WriteToken, "", OtherWriteToken]);
        try
        {
            await using var repo = await PushRepository.StartAsync(redis.ConnectionString, ["--write-tokens-file", tokens]);

            var (none, noneBody) = await repo.PostAsync("/push", Push);
            Assert.Equal(HttpStatusCode.Unauthorized, none);
            Assert.Equal("UNAUTHENTICATED", noneBody.GetProperty("code").GetString());
            Assert.Contains("send 'Authorization: Bearer <token>'", noneBody.GetProperty("detail").GetString());

            var (wrong, wrongBody) = await repo.PostAsync("/push", Push, token: WriteToken + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong);
            Assert.Equal("The bearer token is not accepted.", wrongBody.GetProperty("detail").GetString());
            Assert.Empty(await repo.RedisKeysAsync());

            var (right, rightBody) = await repo.PostAsync("/push", Push, token: OtherWriteToken);
            Assert.True(right == HttpStatusCode.OK, rightBody.ToString());
            Assert.Equal(0.5, (await repo.ReadOnlineAsync(1001))["conv_rate"][0].GetDouble()); // reads need no token

            var denied = await Assert.ThrowsAsync<RpcException>(() => repo.Server.Client.WriteToOnlineStoreAsync("driver_ratios", RatiosFrame()));
            Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
            using var client = new FeatureStore.Client.FeatureStoreClient(repo.Server.Channel, WriteToken);
            Assert.Equal(1, (await client.WriteToOnlineStoreAsync("driver_ratios", RatiosFrame())).Written);
        }
        finally
        {
            File.Delete(tokens);
        }
    }

    [Fact]
    public async Task Without_tokens_a_loopback_client_writes_without_one()
    {
        await using var repo = await PushRepository.StartAsync(redis.ConnectionString);

        var (status, body) = await repo.PostAsync("/push", Push);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(1, (await repo.Server.Client.WriteToOnlineStoreAsync("driver_ratios", RatiosFrame())).Written);
    }

    [Fact]
    public void Without_tokens_a_remote_client_is_refused_with_how_to_enable_writes()
    {
        var policy = new AccessPolicy(AccessTokens.None);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");

        var refused = Assert.Throws<AccessDeniedException>(() => policy.Demand(context, AccessLevel.Write));

        Assert.Contains("FEATURESTORE_WRITE_TOKENS", refused.Message);
        Assert.Contains("--write-tokens-file", refused.Message);
        var error = ApiError.From(refused);
        Assert.Equal(403, error.HttpStatus);
        Assert.Equal(StatusCode.PermissionDenied, error.GrpcStatus);
        context.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:127.0.0.1");
        policy.Demand(context, AccessLevel.Write);
        policy.Demand(new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.IPv6Loopback } }, AccessLevel.Write);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "198.51.100.7")]
    [InlineData("Forwarded", "for=198.51.100.7;proto=https")]
    [InlineData("X-Real-IP", "198.51.100.7")]
    public void Without_tokens_a_request_a_local_proxy_relays_is_refused_as_remote(string header, string value)
    {
        var policy = new AccessPolicy(AccessTokens.None);
        var relayed = new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Loopback } };
        relayed.Request.Headers[header] = value;

        var refused = Assert.Throws<AccessDeniedException>(() => policy.Demand(relayed, AccessLevel.Write));

        Assert.Contains("relayed by a proxy", refused.Message);
        Assert.Contains("FEATURESTORE_WRITE_TOKENS", refused.Message);
        var withToken = new AccessPolicy(AccessTokens.From([WriteToken], []));
        relayed.Request.Headers.Authorization = $"Bearer {WriteToken}";
        withToken.Demand(relayed, AccessLevel.Write);
    }

    [Fact]
    public void Read_tokens_guard_reads_only_once_configured_and_never_grant_writes()
    {
        var open = new AccessPolicy(AccessTokens.From([WriteToken], []));
        open.Demand(Remote(null), AccessLevel.Read);

        var guarded = new AccessPolicy(AccessTokens.From([WriteToken], [ReadToken]));
        Assert.Throws<UnauthenticatedException>(() => guarded.Demand(Remote(null), AccessLevel.Read));
        Assert.Throws<UnauthenticatedException>(() => guarded.Demand(Remote("Bearer nope-nope-nope-nope"), AccessLevel.Read));
        guarded.Demand(Remote($"Bearer {ReadToken}"), AccessLevel.Read);
        guarded.Demand(Remote($"bearer {WriteToken}"), AccessLevel.Read);
        guarded.Demand(Remote($"Bearer {WriteToken}"), AccessLevel.Write);
        var readOnly = Assert.Throws<AccessDeniedException>(() => guarded.Demand(Remote($"Bearer {ReadToken}"), AccessLevel.Write));
        Assert.DoesNotContain(ReadToken, readOnly.Message);
        Assert.Throws<UnauthenticatedException>(() => guarded.Demand(Remote($"Basic {WriteToken}"), AccessLevel.Write));
    }

    [Fact]
    public void Bad_tokens_stop_the_server_with_a_message_that_never_repeats_them()
    {
        var shortToken = "tiny-secret";
        var error = Assert.Throws<UserInputException>(() => AccessTokens.Load(new ServerOptions { WriteTokens = $"{WriteToken},{shortToken}" }));
        Assert.Equal("The token 2 of FEATURESTORE_WRITE_TOKENS is shorter than 16 characters; use a long random token (e.g. openssl rand -hex 32).", error.Message);

        var spaced = Assert.Throws<UserInputException>(() => AccessTokens.Load(new ServerOptions { ReadTokens = "with a space in the middle" }));
        Assert.DoesNotContain("middle", spaced.Message);
        Assert.Contains("FEATURESTORE_READ_TOKENS", spaced.Message);

        var missing = Assert.Throws<UserInputException>(() => AccessTokens.Load(new ServerOptions { WriteTokensFile = "/nonexistent/tokens" }));
        Assert.StartsWith("--write-tokens-file: cannot read the tokens file '/nonexistent/tokens'", missing.Message);
    }

    [Fact]
    public void Tokens_have_no_flag_so_they_never_show_in_a_process_list()
    {
        var error = Assert.Throws<UserInputException>(() => ServerArguments.Parse(["--write-tokens", WriteToken], new Dictionary<string, string?>()));
        Assert.Equal("Unknown flag '--write-tokens' (see --help).", error.Message);
        var options = ServerArguments.Parse([], new Dictionary<string, string?> { ["FEATURESTORE_WRITE_TOKENS"] = WriteToken });
        Assert.True(AccessTokens.Load(options).HasWriteTokens);
        Assert.DoesNotContain(WriteToken, ServerArguments.Usage);
    }

    [Fact]
    public async Task A_bad_tokens_file_stops_the_server_with_exit_code_2_and_one_line_without_the_token()
    {
        var tokens = Path.GetTempFileName();
        await File.WriteAllLinesAsync(tokens, [WriteToken, "short-Secret"]);
        var folder = Directory.CreateTempSubdirectory("featurestore-tokens-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "featurestore.yaml"), $"project: tokens\nonline_store:\n  type: redis\n  connection_string: \"{redis.ConnectionString}\"\n");
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await FeatureStore.Server.ServerProgram.RunAsync(
                ["--repo", folder, "--http-port", "0", "--grpc-port", "0", "--ui-port", "0", "--write-tokens-file", tokens], output, error);

            Assert.Equal(2, code);
            Assert.Equal($"error: The line 2 of the tokens file '{tokens}' (--write-tokens-file) is shorter than 16 characters; use a long random token (e.g. openssl rand -hex 32).",
                error.ToString().TrimEnd());
            Assert.DoesNotContain("short-Secret", error.ToString() + output);
        }
        finally
        {
            File.Delete(tokens);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static DefaultHttpContext Remote(string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return context;
    }

    private static Dictionary<string, IReadOnlyList<object?>> RatiosFrame() => new()
    {
        ["driver_id"] = [1001L],
        ["event_timestamp"] = [PushRepository.T0.AddHours(2)],
        ["trip_ratios"] = [new[] { 1.0 }],
    };
}
