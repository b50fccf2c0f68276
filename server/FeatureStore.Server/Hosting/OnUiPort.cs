namespace FeatureStore.Server.Hosting;

/// <summary>
/// Endpoint metadata: this endpoint is served on the UI port (the catalog pages), and only there. Every endpoint
/// without it is served on the other ports only. <see cref="ListenerMatcherPolicy"/> enforces both, so one path
/// (<c>/</c>) can be a page on the UI port and a redirect to it on the HTTP port.
/// </summary>
internal sealed class OnUiPort
{
    public static readonly OnUiPort Instance = new();

    private OnUiPort()
    {
    }
}
