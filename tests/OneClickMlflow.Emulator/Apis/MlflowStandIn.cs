using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>What the serving version tells its MLflow server: the IAP audience, where artifacts go, who it runs as.</summary>
public sealed record MlflowServerSettings(string? IapAudience, string? ArtifactDestination, bool MultipartUploads, string? ServiceAccount)
{
    public const string MultipartVariable = "MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD";
    public const string ArtifactDestinationVariable = "ARTIFACT_DESTINATION";

    public static MlflowServerSettings Of(AppEngineVersion? version)
    {
        var environment = version?.Body["envVariables"] as JsonObject;
        string? Variable(string name) => environment?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        return new MlflowServerSettings(Variable(IapSignedHeader.AudienceVariable), Variable(ArtifactDestinationVariable),
            string.Equals(Variable(MultipartVariable), "true", StringComparison.OrdinalIgnoreCase),
            version?.Body["serviceAccount"] is JsonValue account && account.TryGetValue<string>(out var email) ? email : null);
    }
}

/// <summary>An MLflow REST error: <c>{error_code, message}</c> with the HTTP status MLflow maps the code to.</summary>
public sealed class MlflowError : Exception
{
    public MlflowError(int status, string code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    public int Status { get; }
    public string Code { get; }

    public static MlflowError InvalidParameter(string message) => new(400, "INVALID_PARAMETER_VALUE", message);

    public static MlflowError Missing(string field) => InvalidParameter($"Missing value for required parameter '{field}'.");
}

/// <summary>
/// A stand-in of the MLflow 3 tracking server behind the front door, answering as MLflow's handlers
/// (mlflow/server/handlers.py) do: the tracking REST API a training script and the UI's run pages use
/// (<see cref="MlflowTrackingApi"/>), the proxied artifact API with multipart uploads (<see cref="MlflowArtifactsApi"/>)
/// and <c>/health</c>. Errors are MLflow's <c>{error_code, message}</c> bodies. Like the server image, it checks IAP's
/// signed header on every request but <c>GET /health</c> against its version's IAP_AUDIENCE, when the version sets one.
/// </summary>
public static class MlflowStandIn
{
    public static async Task Serve(HttpContext context, EmulatorState state, MlflowTracking tracking, string path, MlflowServerSettings server)
    {
        var method = context.Request.Method;
        if (path == "/health" && method == "GET")
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("OK", context.RequestAborted);
            return;
        }
        if (server.IapAudience is not null && IapSignedHeader.Refusal(state, context.Request.Headers[IapSignedHeader.Name], server.IapAudience) is { } refusal)
        {
            await Write(context, 401, new JsonObject
            {
                ["error_code"] = "UNAUTHENTICATED",
                ["message"] = "This server accepts only requests that come through Identity-Aware Proxy: " + refusal + ".",
            });
            return;
        }
        try
        {
            if (await MlflowArtifactsApi.TryServe(context, state, tracking, path, server))
            {
                return;
            }
            var answer = await MlflowTrackingApi.Answer(context, state, tracking, method, path)
                ?? throw new MlflowError(404, "ENDPOINT_NOT_FOUND", $"No endpoint {method} {path}.");
            await Write(context, 200, answer);
        }
        catch (MlflowError error) when (!context.Response.HasStarted)
        {
            await Write(context, error.Status, new JsonObject { ["error_code"] = error.Code, ["message"] = error.Message });
        }
    }

    /// <summary>A parameter from the JSON body (POST, PATCH) or the query string (GET), as text.</summary>
    public static string? Parameter(HttpContext context, JsonObject? body, string name)
    {
        if (body is not null)
        {
            return body[name] is JsonValue value ? value.ToString() : body[name]?.ToJsonString();
        }
        var query = context.Request.Query[name];
        return query.Count == 0 ? null : query.ToString();
    }

    public static async Task<JsonObject?> ReadBody(HttpContext context)
    {
        if (context.Request.Method is "GET" or "HEAD" or "DELETE")
        {
            return null;
        }
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        try
        {
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new MlflowError(400, "MALFORMED_REQUEST", "The request body is not valid JSON.");
        }
    }

    public static long? Long(string? text, string field) => text is null ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : throw MlflowError.InvalidParameter($"Invalid value {text} for parameter '{field}' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.");

    public static Task Write(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
