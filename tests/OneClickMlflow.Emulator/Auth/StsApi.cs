using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// The Security Token Service (workload identity federation): RFC 8693 token exchange of a subject token the
/// state knows (registered, or an OIDC JWT from a trusted issuer) for a federated access token.
/// </summary>
public sealed partial class StsApi : IEmulatedApi
{
    private const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private static readonly HashSet<string> SubjectTokenTypes = new()
    {
        "urn:ietf:params:oauth:token-type:jwt",
        "urn:ietf:params:oauth:token-type:id_token",
        "urn:ietf:params:aws:token-type:aws4_request",
        "urn:ietf:params:oauth:token-type:saml2",
    };

    public ApiDescriptor Descriptor { get; } = new("sts", "sts", RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapPost("/sts/v1/token", context => Exchange(context, state));
    }

    private static async Task Exchange(HttpContext context, EmulatorState state)
    {
        var form = await OAuthApi.ReadParametersAsync(context);
        if (form.GetValueOrDefault("grant_type") != TokenExchangeGrant)
        {
            await OAuthApi.OAuthError(context, 400, "unsupported_grant_type", $"Invalid value for \"grant_type\": {form.GetValueOrDefault("grant_type")}");
            return;
        }
        var audience = form.GetValueOrDefault("audience") ?? "";
        var pool = AudiencePattern().Match(audience);
        if (!pool.Success)
        {
            await OAuthApi.OAuthError(context, 400, "invalid_request", $"Invalid value for \"audience\". This value should be the full resource name of the Identity Provider. {audience}");
            return;
        }
        if (!SubjectTokenTypes.Contains(form.GetValueOrDefault("subject_token_type") ?? ""))
        {
            await OAuthApi.OAuthError(context, 400, "invalid_request", "Invalid value for \"subject_token_type\".");
            return;
        }
        var requested = form.GetValueOrDefault("requested_token_type");
        if (requested is not null && requested != AccessTokenType)
        {
            await OAuthApi.OAuthError(context, 400, "invalid_request", "Invalid value for \"requested_token_type\".");
            return;
        }
        var subject = SubjectOf(state, form.GetValueOrDefault("subject_token") ?? "");
        if (subject is null)
        {
            await OAuthApi.OAuthError(context, 400, "invalid_grant", "The given subject token is not valid or has expired.");
            return;
        }
        var member = $"principal://iam.googleapis.com/projects/{pool.Groups["number"].Value}/locations/global/" +
            $"workloadIdentityPools/{pool.Groups["pool"].Value}/subject/{subject}";
        var (token, _) = state.Tokens.Issue(new Principal(PrincipalKind.Federated, member));
        await context.WriteJsonAsync(new JsonObject
        {
            ["access_token"] = token,
            ["issued_token_type"] = AccessTokenType,
            ["token_type"] = "Bearer",
            ["expires_in"] = state.Tokens.ExpiresInSeconds,
        });
    }

    private static string? SubjectOf(EmulatorState state, string subjectToken)
    {
        if (state.Federation.SubjectOf(subjectToken) is { } registered)
        {
            return registered;
        }
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(subjectToken);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var key = state.Federation.KeyOf(jwt.Issuer ?? "");
        if (key is null || !JwtTools.SignatureValid(subjectToken, key) || jwt.ValidTo < state.Clock.GetUtcNow().UtcDateTime)
        {
            return null;
        }
        return string.IsNullOrEmpty(jwt.Subject) ? null : jwt.Subject;
    }

    [GeneratedRegex("^//iam\\.googleapis\\.com/projects/(?<number>[0-9]+)/locations/global/workloadIdentityPools/(?<pool>[a-z0-9-]+)/providers/(?<provider>[a-z0-9-]+)$")]
    private static partial Regex AudiencePattern();
}
