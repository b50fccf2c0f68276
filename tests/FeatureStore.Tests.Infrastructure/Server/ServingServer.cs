using System.Net;
using System.Text;
using System.Text.Json;
using FeatureStore.Client;
using FeatureStore.Server;
using FeatureStore.Server.Configuration;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace FeatureStore.Tests.Server;

/// <summary>
/// The real server host (<see cref="ServerHost.Build(string[])"/>, real Kestrel) started on loopback ports chosen by
/// the OS, with an HTTP client and a gRPC client pointed at the bound ports.
/// </summary>
internal sealed class ServingServer : IAsyncDisposable
{
    private ServingServer(WebApplication app)
    {
        App = app;
        Endpoints = app.Endpoints();
        Http = new HttpClient { BaseAddress = Endpoints.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        Ui = new HttpClient { BaseAddress = Endpoints.UiAddress, Timeout = TimeSpan.FromSeconds(30) };
        Channel = GrpcChannel.ForAddress(Endpoints.GrpcAddress);
        Client = new FeatureStoreClient(Channel);
    }

    public WebApplication App { get; }

    public ServerEndpoints Endpoints { get; }

    public HttpClient Http { get; }

    /// <summary>A client of the catalog pages' port.</summary>
    public HttpClient Ui { get; }

    public GrpcChannel Channel { get; }

    public FeatureStoreClient Client { get; }

    public static Task<ServingServer> StartAsync(string[] args, ILoggerProvider? alsoLogTo = null) =>
        StartAsync(ServerArguments.Parse(args), alsoLogTo);

    /// <summary>Starts from options (e.g. parsed with a test's own environment variables), logging to <paramref name="alsoLogTo"/> too.</summary>
    public static async Task<ServingServer> StartAsync(ServerOptions options, ILoggerProvider? alsoLogTo = null)
    {
        // Test servers run side by side: the pages go to a free port unless a test names one. Only the browser test
        // needs the default UI port, and its host claims it itself.
        if (options.UiPort == ServerOptions.DefaultUiPort)
        {
            options.UiPort = 0;
        }
        var app = ServerHost.Build(options, alsoLogTo);
        await app.StartAsync();
        return new ServingServer(app);
    }

    /// <summary>POSTs a JSON body to <c>/get-online-features</c> and parses the answer.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/get-online-features", content);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>POSTs an object serialized as JSON.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(object body) => PostAsync(JsonSerializer.Serialize(body));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        Http.Dispose();
        Ui.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
