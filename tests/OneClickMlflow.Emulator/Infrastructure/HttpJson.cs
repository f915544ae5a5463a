using System.IO;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>Reading validated request bodies and writing JSON answers as Google's front end does.</summary>
public static class HttpJson
{
    public const string ContentType = "application/json; charset=UTF-8";

    public static async Task<JsonObject> ReadBodyAsync(this HttpContext context, MessageSchema schema)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        return RequestValidator.Parse(text, schema);
    }

    public static Task WriteJsonAsync(this HttpContext context, JsonNode body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static string Route(this HttpContext context, string name) =>
        context.GetRouteValue(name) as string ?? string.Empty;

    public static string? Query(this HttpContext context, string name)
    {
        var value = context.Request.Query[name];
        return value.Count == 0 ? null : value[0];
    }
}
