namespace FeatureStore.Server.Auth;

/// <summary>
/// The caller is known but may not do this (PERMISSION_DENIED / HTTP 403): a remote client writing while no write
/// token is configured, or a read token used to write. The message says how to get access.
/// </summary>
public sealed class AccessDeniedException(string message) : Exception(message);
