using FeatureStore.Server.Configuration;
using Microsoft.AspNetCore.Routing.Matching;

namespace FeatureStore.Server.Hosting;

/// <summary>
/// Keeps the UI port and the API ports apart during routing: a request on the UI port matches only endpoints marked
/// <see cref="OnUiPort"/>, a request on any other port only the unmarked ones. What matches nowhere is a 404 on that
/// port. Decided by the port the connection arrived on, never by the Host header, which the client writes.
/// </summary>
internal sealed class ListenerMatcherPolicy(ServerEndpoints serverEndpoints) : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the framework's policies (HTTP method, host), which narrow the candidates first.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var onUiPort = serverEndpoints.IsUiPort(httpContext.Connection.LocalPort);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i)
                && (candidates[i].Endpoint.Metadata.GetMetadata<OnUiPort>() is not null) != onUiPort)
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }
}
