using System.Text;

namespace FeatureStore.Core.Loading;

/// <summary>
/// Expands <c>${NAME}</c> and <c>${NAME:-default}</c> from the environment, so credentials and hosts never have to
/// be written into a definition file. <c>$$</c> writes a literal <c>$</c>. As in a shell, <c>:-</c> also applies the
/// default when the variable is set but empty.
/// </summary>
internal static class EnvironmentExpander
{
    /// <summary>Expands every reference in <paramref name="text"/>; false with a plain message when one cannot be.</summary>
    public static bool TryExpand(string text, Func<string, string?> environment, out string result, out string? error)
    {
        result = text;
        error = null;
        if (!text.Contains('$'))
        {
            return true;
        }
        var builder = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                builder.Append(c);
                i++;
                continue;
            }
            if (text[i + 1] == '$')
            {
                builder.Append('$');
                i += 2;
                continue;
            }
            if (text[i + 1] != '{')
            {
                builder.Append(c);
                i++;
                continue;
            }
            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = $"'${{' without a closing '}}' in '{text}'; write ${{NAME}} or ${{NAME:-default}} (or $$ for a literal $)";
                return false;
            }
            var body = text[(i + 2)..close];
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator >= 0 ? body[..separator] : body;
            var fallback = separator >= 0 ? body[(separator + 2)..] : null;
            if (!NameRules.IsValidName(name))
            {
                error = $"'${{{body}}}' is not a valid environment reference; write ${{NAME}} or ${{NAME:-default}}";
                return false;
            }
            var value = environment(name);
            if (fallback is not null && string.IsNullOrEmpty(value))
            {
                value = fallback;
            }
            if (value is null)
            {
                error = $"environment variable '{name}' is not set; set it or give a default with ${{{name}:-default}}";
                return false;
            }
            builder.Append(value);
            i = close + 1;
        }
        result = builder.ToString();
        return true;
    }
}
