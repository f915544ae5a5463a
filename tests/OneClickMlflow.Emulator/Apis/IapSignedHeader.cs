using System;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OneClickMlflow.Emulator.Auth;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The JWT IAP adds to every request it lets through, in <c>x-goog-iap-jwt-assertion</c>, and its check by the app.
/// Claims and rules from https://cloud.google.com/iap/docs/signed-headers-howto: ES256 with a published kid;
/// <c>iss</c> https://cloud.google.com/iap, <c>aud</c> /projects/NUMBER/apps/PROJECT_ID for App Engine,
/// <c>sub</c> accounts.google.com:ID, <c>email</c>, <c>iat</c>, <c>exp</c> ten minutes later; 30 seconds of skew.
/// </summary>
public static class IapSignedHeader
{
    public const string Name = "x-goog-iap-jwt-assertion";
    public const string Issuer = "https://cloud.google.com/iap";

    /// <summary>The App Engine version environment variable the server image takes its expected audience from.</summary>
    public const string AudienceVariable = "IAP_AUDIENCE";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    public static string Audience(ProjectState project, AppEngineApplication app) => $"/projects/{project.ProjectNumber}/apps/{app.Id}";

    /// <summary>The assertion for an IAM member (<c>user:</c> or <c>serviceAccount:</c>) IAP let through to an app.</summary>
    public static string For(EmulatorState state, string audience, string member, DateTimeOffset? issuedAt = null, string issuer = Issuer)
    {
        var email = member[(member.IndexOf(':') + 1)..];
        var account = member.StartsWith("serviceAccount:", StringComparison.Ordinal) ? state.FindServiceAccount(email) : null;
        var issued = issuedAt ?? state.Clock.GetUtcNow();
        return state.IapKeys.Sign(new JsonObject
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["sub"] = "accounts.google.com:" + (account?.UniqueId ?? UserId(email)),
            ["email"] = email,
            ["iat"] = issued.ToUnixTimeSeconds(),
            ["exp"] = (issued + Lifetime).ToUnixTimeSeconds(),
        });
    }

    /// <summary>Why an app checking the header as Google asks refuses it, or null when it is IAP's for this audience.</summary>
    public static string? Refusal(EmulatorState state, string? header, string audience)
    {
        if (string.IsNullOrEmpty(header))
        {
            return "no x-goog-iap-jwt-assertion header";
        }
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(header);
        }
        catch (ArgumentException)
        {
            return "the assertion is not a signed JWT";
        }
        if (token.Alg != SecurityAlgorithms.EcdsaSha256)
        {
            return "the assertion is not signed with ES256";
        }
        if (state.IapKeys.Find(token.Kid ?? "") is not { } key || !JwtTools.SignatureValid(header, key))
        {
            return "the assertion is not signed by a key IAP publishes";
        }
        if (token.Issuer != Issuer)
        {
            return "the assertion's issuer is not IAP";
        }
        if (!token.TryGetPayloadValue<string>("aud", out var tokenAudience) || tokenAudience != audience)
        {
            return "the assertion is for another audience";
        }
        var now = state.Clock.GetUtcNow().UtcDateTime;
        if (!token.TryGetPayloadValue<long>("exp", out _) || !token.TryGetPayloadValue<long>("iat", out _))
        {
            return "the assertion lacks iat or exp";
        }
        if (token.ValidTo < now - Skew || token.IssuedAt > now + Skew || token.ValidTo - token.IssuedAt > Lifetime + Skew + Skew)
        {
            return "the assertion is not current";
        }
        return null;
    }

    /// <summary>A stable numeric Google account id for a user the emulator knows only by email.</summary>
    private static string UserId(string email)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant()));
        return "1" + BitConverter.ToUInt64(hash, 0).ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
    }
}
