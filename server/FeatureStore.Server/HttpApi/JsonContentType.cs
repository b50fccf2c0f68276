using Microsoft.Net.Http.Headers;

namespace FeatureStore.Server.HttpApi;

/// <summary>
/// Which request content types a JSON endpoint reads as JSON: JSON types, none at all (Feast's Python client posts
/// without one) and the form type <c>curl -d</c> sends by default. A type that says the body is something else (XML,
/// plain text, ...) is refused with 415 rather than parsed as JSON.
/// </summary>
internal static class JsonContentType
{
    public static void Ensure(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType) || IsAccepted(contentType))
        {
            return;
        }
        throw new UnsupportedMediaTypeException(
            $"The request body must be JSON, but its Content-Type is '{Shorten(contentType)}'. Send 'Content-Type: application/json' (or no Content-Type).");
    }

    private static bool IsAccepted(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
               || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
               || type.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
