using System.Net.Http;
using System.Text.Json;

namespace OneClickMlflow.Google
{
    /// <summary>Google's error bodies (google.rpc, with Compute's and Cloud SQL's errors[] list) into one exception.</summary>
    internal static class GoogleErrorParser
    {
        public static GoogleCloudApiException Parse(int httpStatus, string? reasonPhrase, string body, GoogleRequest request, string safeUri)
        {
            string? status = null;
            string? reason = null;
            string? message = null;
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object)
                    {
                        status = Text(error, "status");
                        message = Text(error, "message");
                        reason = FirstReason(error);
                    }
                    else if (error.ValueKind == JsonValueKind.String)
                    {
                        // OAuth-style {error, error_description}.
                        status = error.GetString();
                        message = Text(document.RootElement, "error_description");
                    }
                }
            }
            catch (JsonException)
            {
            }
            if (message == null)
            {
                var snippet = body.Length > 200 ? body.Substring(0, 200) : body;
                message = $"HTTP {httpStatus} {reasonPhrase}".TrimEnd() + (snippet.Trim().Length > 0 ? ": " + snippet.Trim() : "");
            }
            return new GoogleCloudApiException(httpStatus, status, reason, message, request.Api.OverrideName, request.Method.Method, safeUri);
        }

        private static string? FirstReason(JsonElement error)
        {
            if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in errors.EnumerateArray())
                {
                    var reason = Text(item, "reason");
                    if (reason != null)
                    {
                        return reason;
                    }
                }
            }
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in details.EnumerateArray())
                {
                    var reason = Text(item, "reason");
                    if (reason != null)
                    {
                        return reason;
                    }
                }
            }
            return null;
        }

        internal static string? Text(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
    }
}
