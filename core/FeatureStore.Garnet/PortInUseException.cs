namespace FeatureStore.Garnet;

/// <summary>The loopback port chosen for a host is taken by another listener.</summary>
internal sealed class PortInUseException(int port, Exception inner) : Exception($"127.0.0.1:{port} is already in use", inner)
{
    public int Port { get; } = port;
}
