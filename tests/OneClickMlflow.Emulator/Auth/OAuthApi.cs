using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>Google's OAuth 2.0 token endpoint (jwt-bearer and refresh_token grants) and its JWKS.</summary>
public sealed class OAuthApi : IEmulatedApi
{
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public ApiDescriptor Descriptor { get; } = new("oauth2", "oauth2", RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapPost("/oauth2/token", context => Token(context, state));
        routes.MapPost("/oauth2/v4/token", context => Token(context, state));
        // tokeninfo (oauth2.googleapis.com/tokeninfo): who an access token speaks for, as Google answers it.
        routes.MapPost("/oauth2/tokeninfo", context => TokenInfo(context, state));
        routes.MapGet("/oauth2/tokeninfo", context => TokenInfo(context, state));
        routes.MapGet("/oauth2/v3/certs", context => context.WriteJsonAsync(new JsonObject
        {
            ["keys"] = new JsonArray(JsonSerializer.SerializeToNode(state.Keys.EmulatorKey.PublicJwk())),
        }));
    }

    private static async Task Token(HttpContext context, EmulatorState state)
    {
        var form = await ReadParametersAsync(context);
        var grantType = form.GetValueOrDefault("grant_type");
        switch (grantType)
        {
            case JwtBearerGrant:
                await JwtBearer(context, state, form.GetValueOrDefault("assertion") ?? "");
                return;
            case "refresh_token":
                await RefreshToken(context, state, form);
                return;
            default:
                await OAuthError(context, 400, "unsupported_grant_type", $"Invalid grant_type: {grantType}");
                return;
        }
    }

    private static async Task TokenInfo(HttpContext context, EmulatorState state)
    {
        var form = context.Request.Method == "POST" ? await ReadParametersAsync(context) : new Dictionary<string, string>();
        var token = form.GetValueOrDefault("access_token") ?? context.Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(token) || state.Tokens.Resolve(token) is not { } principal)
        {
            await context.WriteJsonAsync(new JsonObject { ["error"] = "invalid_token", ["error_description"] = "Invalid Value" }, 400);
            return;
        }
        await context.WriteJsonAsync(new JsonObject
        {
            ["azp"] = "emulator",
            ["aud"] = "emulator",
            ["scope"] = "https://www.googleapis.com/auth/cloud-platform",
            ["email"] = principal.Id,
            ["email_verified"] = "true",
            ["access_type"] = "online",
        });
    }

    private static async Task JwtBearer(HttpContext context, EmulatorState state, string assertionText)
    {
        var ownTokenUri = state.BaseUri is null ? null : CredentialFiles.TokenUri(state);
        var (assertion, failure) = JwtTools.VerifyServiceAccountJwt(
            state, assertionText, aud => JwtTools.TokenEndpointAudiences.Contains(aud) || aud == ownTokenUri);
        switch (failure)
        {
            case JwtTools.AssertionFailure.Malformed:
                await OAuthError(context, 400, "invalid_grant", "Invalid JWT: malformed assertion.");
                return;
            case JwtTools.AssertionFailure.BadSignature:
                await OAuthError(context, 400, "invalid_grant", "Invalid JWT Signature.");
                return;
            case JwtTools.AssertionFailure.BadLifetime:
                await OAuthError(context, 400, "invalid_grant",
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. " +
                    "Check your iat and exp values in the JWT claim.");
                return;
            case JwtTools.AssertionFailure.BadAudience:
                await OAuthError(context, 400, "invalid_grant", "Invalid JWT: Failed audience check.");
                return;
        }
        var email = assertion!.Email;
        if (assertion.Token.TryGetPayloadValue<string>("target_audience", out var audience) && !string.IsNullOrEmpty(audience))
        {
            var account = state.AddServiceAccount(email);
            await context.WriteJsonAsync(new JsonObject { ["id_token"] = JwtTools.IdToken(state, account, audience, includeEmail: true) });
            return;
        }
        var (token, _) = state.Tokens.Issue(Principal.ServiceAccount(email));
        await context.WriteJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = state.Tokens.ExpiresInSeconds,
            ["token_type"] = "Bearer",
        });
    }

    private static async Task RefreshToken(HttpContext context, EmulatorState state, IReadOnlyDictionary<string, string> form)
    {
        var grant = state.AuthorizedUsers.Find(form.GetValueOrDefault("refresh_token") ?? "");
        if (grant is null)
        {
            await OAuthError(context, 400, "invalid_grant", "Bad Request");
            return;
        }
        if (grant.ClientId != form.GetValueOrDefault("client_id") || grant.ClientSecret != form.GetValueOrDefault("client_secret"))
        {
            await OAuthError(context, 401, "invalid_client", "Unauthorized");
            return;
        }
        var (token, _) = state.Tokens.Issue(Principal.User(grant.Email));
        await context.WriteJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["expires_in"] = state.Tokens.ExpiresInSeconds,
            ["scope"] = form.GetValueOrDefault("scope") ?? "https://www.googleapis.com/auth/cloud-platform openid https://www.googleapis.com/auth/userinfo.email",
            ["token_type"] = "Bearer",
        });
    }

    /// <summary>OAuth endpoints take a form; some clients send JSON. Both are read into one map.</summary>
    public static async Task<Dictionary<string, string>> ReadParametersAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject json)
            {
                foreach (var (key, value) in json)
                {
                    if (value is not null)
                    {
                        result[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value.ToJsonString();
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
        return result;
    }

    public static Task OAuthError(HttpContext context, int status, string error, string description) =>
        context.WriteJsonAsync(new JsonObject { ["error"] = error, ["error_description"] = description }, status);
}
