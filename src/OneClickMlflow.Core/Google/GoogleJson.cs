using System.Text.Json;
using System.Text.Json.Serialization;

namespace OneClickMlflow.Google
{
    /// <summary>The one JSON convention of Google's REST APIs: camelCase names, nulls left out.</summary>
    public static class GoogleJson
    {
        public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
        };
    }
}
