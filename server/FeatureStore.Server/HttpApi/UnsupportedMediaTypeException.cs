namespace FeatureStore.Server.HttpApi;

/// <summary>A request body declared as something other than JSON (HTTP 415).</summary>
public sealed class UnsupportedMediaTypeException(string message) : Exception(message);
