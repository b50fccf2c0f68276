using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace FeatureStore.Server.Catalog.Web;

/// <summary>Markup that is already safe (built by <see cref="HtmlBuilder"/>); everything else is encoded.</summary>
internal readonly record struct Html(string Value)
{
    public static Html Empty { get; } = new("");

    /// <summary>Literal markup written in code (never user data).</summary>
    public static Html Trusted(string markup) => new(markup);

    public override string ToString() => Value;
}

/// <summary>
/// Builds HTML where every interpolated value is HTML-encoded unless it is <see cref="Html"/>, so names, descriptions
/// and tags from definitions can never inject markup.
/// </summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _text = new();

    public HtmlBuilder Append([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation markup) => this;

    public HtmlBuilder AppendText(string? text)
    {
        _text.Append(WebUtility.HtmlEncode(text ?? ""));
        return this;
    }

    internal void Raw(string markup) => _text.Append(markup);

    public Html ToHtml() => new(_text.ToString());

    public override string ToString() => _text.ToString();

    /// <summary>Builds one fragment: <c>Html.Of($"&lt;b&gt;{name}&lt;/b&gt;")</c>.</summary>
    public static Html Of(ref HtmlInterpolation markup) => markup.Builder.ToHtml();
}

[InterpolatedStringHandler]
internal ref struct HtmlInterpolation
{
    public HtmlInterpolation(int literalLength, int formattedCount)
    {
        Builder = new HtmlBuilder();
    }

    public HtmlInterpolation(int literalLength, int formattedCount, HtmlBuilder builder)
    {
        Builder = builder;
    }

    public HtmlBuilder Builder { get; }

    public readonly void AppendLiteral(string markup) => Builder.Raw(markup);

    /// <summary>Trusted fragments go in as they are; every other value is encoded.</summary>
    public readonly void AppendFormatted<T>(T value)
    {
        switch (value)
        {
            case Html html:
                Builder.Raw(html.Value);
                break;
            case IEnumerable<Html> fragments:
                foreach (var fragment in fragments)
                {
                    Builder.Raw(fragment.Value);
                }
                break;
            case IFormattable formattable:
                Builder.AppendText(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                Builder.AppendText(value?.ToString());
                break;
        }
    }
}
