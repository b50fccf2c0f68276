using System.Buffers.Text;
using System.Text;
using FeatureStore.Core.Errors;

namespace FeatureStore.Core.Catalog;

/// <summary>
/// Page tokens are opaque to callers: base64url of <c>kind:position</c>. Lists ordered by name continue after the last
/// name seen (keyset), so adding or removing objects between calls neither repeats nor skips the rest.
/// </summary>
internal static class PageToken
{
    public const string AfterName = "n";
    public const string AfterVersion = "v";
    public const string Offset = "o";

    public static string Encode(string kind, string position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{kind}:{position}"));

    /// <summary>The position in <paramref name="token"/>, or null for the first page; a foreign or damaged token throws.</summary>
    public static string? Decode(string? token, string expectedKind)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid(token);
        }
        var separator = text.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0 || text[..separator] != expectedKind)
        {
            throw Invalid(token);
        }
        return text[(separator + 1)..];
    }

    public static int DecodeNumber(string? token, string expectedKind, int whenAbsent)
    {
        var position = Decode(token, expectedKind);
        if (position is null)
        {
            return whenAbsent;
        }
        return int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid(token!);
    }

    private static UserInputException Invalid(string token) =>
        new($"Page token '{token}' is not valid for this list; pass the next_page_token of the previous page unchanged.");
}
