using System.Text.Json;

namespace FeatureStore.Server.HttpApi;

/// <summary>How the JSON request readers name what they found in a body, so every endpoint words its 400s alike.</summary>
internal static class JsonWording
{
    /// <summary>"an object", "a number", ...: what a client sent where something else was expected.</summary>
    public static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A System.Text.Json message without its trailing " Path: ..." detail, which the reader words itself.</summary>
    public static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
