using System.Text.Json.Nodes;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Errors of the APIs that still send the legacy <c>errors[{message, domain, reason}]</c> list next to the
/// message (Compute Engine, Cloud Storage JSON).
/// </summary>
public static class LegacyError
{
    public static GoogleApiError Create(int code, string status, string reason, string message) =>
        new(code, status, message)
        {
            LegacyErrors = new JsonArray(new JsonObject
            {
                ["message"] = message,
                ["domain"] = "global",
                ["reason"] = reason,
            }),
        };
}
