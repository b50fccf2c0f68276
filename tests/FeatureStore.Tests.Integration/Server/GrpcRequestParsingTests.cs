using FeatureStore.Tests.Infrastructure;
using Grpc.Core;

namespace FeatureStore.Tests.Server;

/// <summary>Bytes that are no protobuf message are the client's mistake: INVALID_ARGUMENT on every service, not UNKNOWN.</summary>
[Collection(RedisCollection.Name)]
public sealed class GrpcRequestParsingTests(RedisFixture redis) : IAsyncLifetime
{
    /// <summary>A varint that never ends: no protobuf parser accepts it.</summary>
    private static readonly byte[] Garbage = [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    private ServingRepository _repository = null!;
    private ServingServer _server = null!;

    public async Task InitializeAsync()
    {
        _repository = await ServingRepository.CreateAsync(redis.ConnectionString);
        _server = await _repository.StartServerAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _repository.DisposeAsync();
    }

    [Theory]
    [InlineData("featurestore.v1.FeatureServing", "GetOnlineFeatures")]
    [InlineData("featurestore.v1.Catalog", "ListFeatureViews")]
    [InlineData("grpc.health.v1.Health", "Check")]
    public async Task Unparsable_request_is_invalid_argument(string service, string method)
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, service, method, Raw, Raw);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _server.Channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(), Garbage).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"{service}/{method}", error.Status.Detail);
    }

    [Fact]
    public async Task A_valid_request_sent_as_raw_bytes_is_still_served()
    {
        var call = new Method<byte[], byte[]>(MethodType.Unary, "grpc.health.v1.Health", "Check", Raw, Raw);

        var answer = await _server.Channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(), []).ResponseAsync;

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, Grpc.Health.V1.HealthCheckResponse.Parser.ParseFrom(answer).Status);
    }
}
