using System.Text.Json;
using FeatureStore.Core.Errors;
using FeatureStore.Server.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FeatureStore.Tests.Server;

/// <summary>The one rule mapping domain exceptions to gRPC and HTTP answers, and the HTTP middleware that applies it.</summary>
public sealed class ApiErrorTests
{
    public static TheoryData<Exception, StatusCode, int, string> Rules => new()
    {
        { new NotFoundException("no view 'x'"), StatusCode.NotFound, 404, "no view 'x'" },
        { new UserInputException("bad key"), StatusCode.InvalidArgument, 400, "bad key" },
        { new StoreUnavailableException("Redis at 127.0.0.1:6379 is unreachable"), StatusCode.Unavailable, 503, "Redis at 127.0.0.1:6379 is unreachable" },
        { new InvalidOperationException("internal detail"), StatusCode.Internal, 500, ApiError.InternalMessage },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_domain_exception_has_one_status_per_transport(Exception exception, StatusCode grpc, int http, string message)
    {
        var error = ApiError.From(exception);

        Assert.Equal((grpc, http, message), (error.GrpcStatus, error.HttpStatus, error.Message));
    }

    [Fact]
    public async Task Http_errors_are_problem_details_and_internal_details_stay_in_the_log()
    {
        var (status, contentType, body) = await InvokeAsync(new InvalidOperationException("connection string with password=hunter2"), feast: false);

        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(500, body.GetProperty("status").GetInt32());
        Assert.Equal("INTERNAL", body.GetProperty("code").GetString());
        Assert.Equal(ApiError.InternalMessage, body.GetProperty("detail").GetString());
        Assert.DoesNotContain("hunter2", body.GetRawText());
    }

    [Fact]
    public async Task Feast_endpoint_errors_keep_feasts_body()
    {
        var (status, contentType, body) = await InvokeAsync(new UserInputException("Missing join key 'driver_id'"), feast: true);

        Assert.Equal(400, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal(["detail", "code", "status"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("INVALID_ARGUMENT", body.GetProperty("code").GetString());
        Assert.Equal("Missing join key 'driver_id'", body.GetProperty("detail").GetString());
    }

    private static async Task<(int Status, string? ContentType, JsonElement Body)> InvokeAsync(Exception thrown, bool feast)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var metadata = feast ? new EndpointMetadataCollection(FeastErrorBody.Instance) : new EndpointMetadataCollection();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, metadata, "test"));
        var middleware = new ApiErrorMiddleware(_ => throw thrown, NullLogger<ApiErrorMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        context.Response.Body.Position = 0;
        var body = await JsonDocument.ParseAsync(context.Response.Body);
        return (context.Response.StatusCode, context.Response.ContentType?.Split(';')[0], body.RootElement.Clone());
    }
}
