namespace FeatureStore.Server.Auth;

/// <summary>
/// The request carries no token, or one the server does not accept (UNAUTHENTICATED / HTTP 401). The message says
/// what to send, never which tokens exist.
/// </summary>
public sealed class UnauthenticatedException(string message) : Exception(message);
