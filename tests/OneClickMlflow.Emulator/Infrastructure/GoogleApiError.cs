using System;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>An error a handler throws; the pipeline renders it as Google's JSON error body.</summary>
public sealed class GoogleApiError : Exception
{
    public GoogleApiError(int code, string status, string message, JsonArray? details = null)
        : base(message)
    {
        Code = code;
        Status = status;
        Details = details;
    }

    public int Code { get; }
    public string Status { get; }
    public JsonArray? Details { get; }

    /// <summary>Compute's legacy <c>errors[{domain, reason, message}]</c>, set by APIs that use it.</summary>
    public JsonArray? LegacyErrors { get; init; }

    public JsonObject ToBody()
    {
        var error = new JsonObject
        {
            ["code"] = Code,
            ["message"] = Message,
        };
        if (LegacyErrors is not null)
        {
            error["errors"] = LegacyErrors.DeepClone();
        }
        error["status"] = Status;
        if (Details is not null)
        {
            error["details"] = Details.DeepClone();
        }
        return new JsonObject { ["error"] = error };
    }

    public static GoogleApiError InvalidArgument(string message, string? field = null, string? description = null)
    {
        JsonArray? details = null;
        if (field is not null)
        {
            details = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["fieldViolations"] = new JsonArray(new JsonObject
                {
                    ["field"] = field,
                    ["description"] = description ?? message,
                }),
            });
        }
        return new GoogleApiError(400, "INVALID_ARGUMENT", message, details);
    }

    public static GoogleApiError Unauthenticated() => new(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid " +
        "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        new JsonArray(ErrorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED", "googleapis.com")));

    public static GoogleApiError PermissionDenied(string message, string? reason = null) => new(
        403,
        "PERMISSION_DENIED",
        message,
        reason is null ? null : new JsonArray(ErrorInfo(reason, "googleapis.com")));

    public static GoogleApiError NotFound(string message) => new(404, "NOT_FOUND", message);

    /// <summary>A URL that names no method of the API (Google's front end answers it 404).</summary>
    public static GoogleApiError UnknownUrl(Microsoft.AspNetCore.Http.HttpContext context) =>
        NotFound($"The requested URL {context.Request.Path} was not found on this server.");

    public static GoogleApiError AlreadyExists(string message) => new(409, "ALREADY_EXISTS", message);

    public static GoogleApiError Aborted(string message) => new(409, "ABORTED", message);

    public static GoogleApiError FailedPrecondition(string message) => new(400, "FAILED_PRECONDITION", message);

    /// <summary>The body an injected fault answers with, by HTTP status.</summary>
    public static GoogleApiError ForStatus(int code) => code switch
    {
        400 => new(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
        401 => Unauthenticated(),
        403 => new(403, "PERMISSION_DENIED", "The caller does not have permission"),
        404 => new(404, "NOT_FOUND", "Requested entity was not found."),
        409 => new(409, "ABORTED", "The operation was aborted."),
        429 => new(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'."),
        500 => new(500, "INTERNAL", "Internal error encountered."),
        502 => new(502, "UNAVAILABLE", "Bad Gateway"),
        503 => new(503, "UNAVAILABLE", "The service is currently unavailable."),
        504 => new(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again."),
        _ => new(code, "UNKNOWN", "Injected fault."),
    };

    private static JsonObject ErrorInfo(string reason, string domain) => new()
    {
        ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
        ["reason"] = reason,
        ["domain"] = domain,
    };
}
