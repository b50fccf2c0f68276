using FeatureStore.Protos.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FeatureStore.Client;

/// <summary>
/// A thin convenience client for the feature server's gRPC API: entity columns as CLR values in, a response
/// readable by column name out; rows pushed as columns of CLR values. <see cref="Serving"/> and
/// <see cref="Ingestion"/> expose the generated clients for everything else.
/// </summary>
public sealed class FeatureStoreClient : IDisposable
{
    /// <summary>Largest response the owned channel accepts (256 MB).</summary>
    public const int MaxResponseBytes = 256 * 1024 * 1024;

    /// <summary>HTTP/2 receive window per call of the owned channel (1 MB; .NET's default is 64 KB).</summary>
    public const int InitialStreamWindowBytes = 1024 * 1024;

    private readonly GrpcChannel? _ownedChannel;
    private readonly Metadata? _headers;

    /// <summary>
    /// Connects to a server address such as <c>http://127.0.0.1:6570</c> (h2c) and owns the channel.
    /// <paramref name="accessToken"/> is sent as <c>authorization: Bearer &lt;token&gt;</c> on every call (needed for
    /// writes unless the server runs on this machine without tokens, and for reads when it has read tokens).
    /// </summary>
    public FeatureStoreClient(string address, string? accessToken = null)
        : this(GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                // A 100 x 50 answer is ~85 KB: with HTTP/2's default 64 KB stream window the server would stall
                // mid-response for a WINDOW_UPDATE round trip on every such call.
                InitialHttp2StreamWindowSize = InitialStreamWindowBytes,
            },
            // 10,000 entities x 50 features is several MB; gRPC's default 4 MB limit would refuse it.
            MaxReceiveMessageSize = MaxResponseBytes,
        }), accessToken)
    {
        _ownedChannel = (GrpcChannel)Channel;
    }

    /// <summary>Uses a channel the caller owns and disposes; <paramref name="accessToken"/> as above.</summary>
    public FeatureStoreClient(GrpcChannel channel, string? accessToken = null)
    {
        Channel = channel;
        Serving = new FeatureServing.FeatureServingClient(channel);
        Ingestion = new FeatureIngestion.FeatureIngestionClient(channel);
        // A header rather than call credentials: those need TLS, and the server also listens on h2c.
        _headers = string.IsNullOrEmpty(accessToken) ? null : new Metadata { { "authorization", "Bearer " + accessToken } };
    }

    public GrpcChannel Channel { get; }

    public FeatureServing.FeatureServingClient Serving { get; }

    public FeatureIngestion.FeatureIngestionClient Ingestion { get; }

    /// <summary>
    /// Pushes rows to a push source: <paramref name="frame"/> maps each column (join keys, the batch source's
    /// timestamp fields, features) to one value per row, e.g. <c>{ ["driver_id"] = [1001L], ["event_timestamp"] =
    /// [DateTimeOffset.UtcNow], ["conv_rate"] = [0.5] }</c>. Online writes never replace a newer stored version.
    /// </summary>
    public async Task<PushResponse> PushAsync(
        string pushSourceName,
        IReadOnlyDictionary<string, IReadOnlyList<object?>> frame,
        PushMode to = PushMode.Online,
        CancellationToken cancellationToken = default)
    {
        var request = new PushRequest { PushSourceName = pushSourceName, To = to };
        foreach (var (column, values) in frame)
        {
            request.Df.Add(column, ValueConversion.ToColumn(values));
        }
        return await Ingestion.PushAsync(request, _headers, cancellationToken: cancellationToken);
    }

    /// <summary>Writes rows of one feature view to the online store (same columns as a push, for that view only).</summary>
    public async Task<PushResponse> WriteToOnlineStoreAsync(
        string featureViewName,
        IReadOnlyDictionary<string, IReadOnlyList<object?>> frame,
        CancellationToken cancellationToken = default)
    {
        var request = new WriteToOnlineStoreRequest { FeatureViewName = featureViewName };
        foreach (var (column, values) in frame)
        {
            request.Df.Add(column, ValueConversion.ToColumn(values));
        }
        return await Ingestion.WriteToOnlineStoreAsync(request, _headers, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Reads <paramref name="features"/> (<c>view:feature</c> or a bare view name) for the entity rows given as
    /// columns, e.g. <c>{ ["driver_id"] = [1001L, 1002L] }</c>.
    /// </summary>
    public async Task<OnlineFeatures> GetOnlineFeaturesAsync(
        IEnumerable<string> features,
        IReadOnlyDictionary<string, IReadOnlyList<object?>> entities,
        bool fullFeatureNames = false,
        CancellationToken cancellationToken = default)
    {
        var request = CreateRequest(entities, fullFeatureNames);
        request.Features.Add(features);
        return new OnlineFeatures(await Serving.GetOnlineFeaturesAsync(request, _headers, cancellationToken: cancellationToken));
    }

    /// <summary>Reads the features of a feature service for the entity rows given as columns.</summary>
    public async Task<OnlineFeatures> GetFeatureServiceAsync(
        string featureService,
        IReadOnlyDictionary<string, IReadOnlyList<object?>> entities,
        bool fullFeatureNames = false,
        CancellationToken cancellationToken = default)
    {
        var request = CreateRequest(entities, fullFeatureNames);
        request.FeatureService = featureService;
        return new OnlineFeatures(await Serving.GetOnlineFeaturesAsync(request, _headers, cancellationToken: cancellationToken));
    }

    public void Dispose() => _ownedChannel?.Dispose();

    private static GetOnlineFeaturesRequest CreateRequest(
        IReadOnlyDictionary<string, IReadOnlyList<object?>> entities, bool fullFeatureNames)
    {
        var request = new GetOnlineFeaturesRequest { FullFeatureNames = fullFeatureNames };
        foreach (var (joinKey, values) in entities)
        {
            request.Entities.Add(joinKey, ValueConversion.ToColumn(values));
        }
        return request;
    }
}
