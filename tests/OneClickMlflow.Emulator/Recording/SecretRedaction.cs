using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace OneClickMlflow.Emulator.Recording;

/// <summary>
/// Replaces secret values before an exchange is kept: the database password (users.insert/update, instances
/// rootPassword), Secret Manager payloads, OAuth client secrets, and every token or signed assertion. Names and
/// JSON types stay, so a conformance check still sees which fields were sent and whether their types fit.
/// </summary>
public static class SecretRedaction
{
    public const string Placeholder = "REDACTED";

    /// <summary>Field and query parameter names whose values are secrets, in JSON (camelCase) and proto/OAuth spellings.</summary>
    public static readonly IReadOnlySet<string> SecretNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "password", "rootPassword", "root_password", "data", "oauth2ClientSecret", "oauth2_client_secret",
        "clientSecret", "client_secret", "secret", "accessToken", "access_token", "idToken", "id_token", "token",
        "refreshToken", "refresh_token", "oauth_token", "signedJwt", "signedBlob", "privateKeyData", "private_key",
        "assertion", "subjectToken", "subject_token", "actor_token",
    };

    /// <summary>The JSON text with secret values replaced (strings by <see cref="Placeholder"/>, numbers by 0), or the text itself when it is not JSON.</summary>
    public static string RedactJson(string text)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
        if (root is null || !Redact(root))
        {
            return text;
        }
        return root.ToJsonString();
    }

    /// <summary>The query string (with its leading '?') with the values of secret parameters replaced.</summary>
    public static string RedactQuery(string query)
    {
        if (query.Length <= 1)
        {
            return query;
        }
        var parts = query[1..].Split('&').Select(part =>
        {
            var equals = part.IndexOf('=');
            var name = HttpUtility.UrlDecode(equals < 0 ? part : part[..equals]);
            return equals >= 0 && SecretNames.Contains(name) ? part[..equals] + "=" + Placeholder : part;
        });
        return "?" + string.Join("&", parts);
    }

    private static bool Redact(JsonNode node)
    {
        var changed = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }
                    if (SecretNames.Contains(name) && value is JsonValue scalar)
                    {
                        obj[name] = scalar.GetValueKind() == JsonValueKind.Number ? JsonValue.Create(0) : JsonValue.Create(Placeholder);
                        changed = true;
                    }
                    else
                    {
                        changed |= Redact(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array.Where(i => i is not null))
                {
                    changed |= Redact(item!);
                }
                break;
        }
        return changed;
    }
}
