using System.Collections;
using System.Globalization;
using FeatureStore.Core.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FeatureStore.Server.Catalog;

/// <summary>
/// Binds a catalog request message from an HTTP request by the message's own fields: <c>name</c> from the route,
/// every other field from the query parameter of the same name, except <c>tags</c> (repeatable <c>?tag=key=value</c>)
/// and <c>query</c> (<c>?q=</c>).
/// </summary>
internal static class CatalogQuery
{
    public static TRequest Bind<TRequest>(HttpContext http) where TRequest : IMessage<TRequest>, new()
    {
        var request = new TRequest();
        foreach (var field in request.Descriptor.Fields.InFieldNumberOrder())
        {
            var parameter = field.Name switch
            {
                "tags" => "tag",
                "query" => "q",
                _ => field.Name,
            };
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(request);
                foreach (var value in http.Request.Query[parameter])
                {
                    if (value is not null)
                    {
                        list.Add(value);
                    }
                }
                continue;
            }
            var text = http.Request.RouteValues.TryGetValue(parameter, out var routed) && routed is string fromRoute
                ? fromRoute
                : http.Request.Query[parameter].ToString();
            if (field.FieldType == FieldType.Int32)
            {
                if (text.Length > 0)
                {
                    field.Accessor.SetValue(request, int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                        ? number
                        : throw new UserInputException($"{parameter} '{text}' is not a number."));
                }
            }
            else
            {
                field.Accessor.SetValue(request, text);
            }
        }
        return request;
    }
}
