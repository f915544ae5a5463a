using System.Linq;
using System.Text.Json;

namespace OneClickMlflow.Images
{
    /// <summary>Reads the registry's error text: <c>{"errors":[{"code","message"}]}</c> (Registry v2), else the body as it is.</summary>
    internal static class RegistryErrors
    {
        public static string Message(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object
                    && json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
                {
                    return string.Join("; ", errors.EnumerateArray().Select(e =>
                        (e.TryGetProperty("code", out var code) ? code.GetString() + ": " : "")
                        + (e.TryGetProperty("message", out var message) ? message.GetString() : "")));
                }
            }
            catch (JsonException)
            {
            }
            return body.Trim();
        }
    }
}
