using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FeatureStore.Server.Errors;

/// <summary>
/// Binds every gRPC service from its generated <c>BindService</c> method, as grpc-dotnet's own binder does, but with
/// a request deserializer that answers an unparsable request as INVALID_ARGUMENT: grpc-dotnet parses the request
/// before any interceptor runs and reports a parse failure as UNKNOWN, which blames the server for a client's bytes.
/// </summary>
internal sealed class ParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bindMethod = FindBindMethod();
        if (bindMethod is null)
        {
            return;
        }
        var binder = new Binder(context);
        try
        {
            bindMethod.Invoke(null, [binder, null]);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"Could not bind gRPC service '{typeof(TService).Name}'.", ex.InnerException);
        }
    }

    /// <summary>The generated <c>BindService(ServiceBinderBase, TServiceBase)</c> named by the service base class.</summary>
    private static MethodInfo? FindBindMethod()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType
                    .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .FirstOrDefault(m => m.Name == attribute.BindMethodName
                        && m.GetParameters() is [{ ParameterType: var binder }, { ParameterType: var service }]
                        && binder == typeof(ServiceBinderBase)
                        && service.IsAssignableFrom(typeof(TService)));
            }
        }
        return null;
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Parsing(method), Metadata(method, out var info, typeof(TRequest), typeof(ServerCallContext)),
                Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Parsing(method), Metadata(method, out var info, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)),
                Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Parsing(method), Metadata(method, out var info, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(info));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Parsing(method), Metadata(method, out var info, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)),
                Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(info));

        private static Method<TRequest, TResponse> Parsing<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var deserialize = method.RequestMarshaller.ContextualDeserializer;
            var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
            {
                try
                {
                    return deserialize(context);
                }
                catch (Exception ex) when (ex is not RpcException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument,
                        $"The request to {method.FullName} is not a valid protobuf message: {ex.Message}"));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
        }

        /// <summary>The service's implementation of the method, and its routing metadata as grpc-dotnet gives it.</summary>
        private static List<object> Metadata(IMethod method, out MethodInfo implementation, params Type[] parameters)
        {
            implementation = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"Could not find '{method.Name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(implementation.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return metadata;
        }

        private static TDelegate Invoker<TDelegate>(MethodInfo implementation) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation);
    }
}

/// <summary>Installs <see cref="ParsingServiceMethodProvider{TService}"/> in place of grpc-dotnet's binder.</summary>
internal static class GrpcRequestParsing
{
    /// <summary>Call after the last <c>AddGrpc</c>, which registers the default binder again.</summary>
    public static void Replace(IServiceCollection services)
    {
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(ParsingServiceMethodProvider<>));
    }
}
