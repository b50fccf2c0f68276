using System.Net;
using System.Text.Json;
using FeatureStore.Server.Errors;
using FeatureStore.Server.Materialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FeatureStore.Tests.Scheduling;

/// <summary>Until write tokens exist, the materialize endpoints answer only clients on the server's machine.</summary>
public sealed class LoopbackOnlyWriteFilterTests
{
    private static async Task<(bool Called, int Status, string Body)> InvokeAsync(IPAddress? remote)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = remote;
        context.Request.Path = "/materialize";
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(FeastErrorBody.Instance), "test"));
        var called = false;
        await new LoopbackOnlyWriteFilter().InvokeAsync(new DefaultEndpointFilterInvocationContext(context), _ =>
        {
            called = true;
            return ValueTask.FromResult<object?>(null);
        });
        context.Response.Body.Position = 0;
        return (called, context.Response.StatusCode, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task A_loopback_client_reaches_the_endpoint(string address)
    {
        var (called, _, _) = await InvokeAsync(IPAddress.Parse(address));
        Assert.True(called);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.7")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData(null)]
    public async Task Any_other_client_is_refused_with_403_and_the_endpoint_never_runs(string? address)
    {
        var (called, status, body) = await InvokeAsync(address is null ? null : IPAddress.Parse(address));

        Assert.False(called);
        Assert.Equal(403, status);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("PERMISSION_DENIED", json.RootElement.GetProperty("code").GetString());
        Assert.Contains("/materialize changes the online store and accepts only clients on the server's own machine", json.RootElement.GetProperty("detail").GetString());
    }
}
