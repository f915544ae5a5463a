using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>Verifying JWTs signed with service-account keys the emulator issued, and minting RS256 JWTs.</summary>
public static class JwtTools
{
    /// <summary>The audiences Google's token endpoint accepts in a jwt-bearer assertion.</summary>
    public static readonly string[] TokenEndpointAudiences =
    {
        "https://oauth2.googleapis.com/token",
        "https://www.googleapis.com/oauth2/v4/token",
        "https://accounts.google.com/o/oauth2/token",
    };

    private static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromHours(1);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public sealed record VerifiedAssertion(string Email, JsonWebToken Token);

    public enum AssertionFailure
    {
        None,
        Malformed,
        BadSignature,
        BadLifetime,
        BadAudience,
    }

    /// <summary>
    /// Verifies an RS256 JWT signed by a key the emulator issued: signature (by kid, else every key of iss),
    /// issuer = the key's account, audience, and a lifetime of at most one hour that includes now.
    /// </summary>
    public static (VerifiedAssertion? Assertion, AssertionFailure Failure) VerifyServiceAccountJwt(
        EmulatorState state, string jwt, Func<string, bool> audienceAccepted, bool scopeMayReplaceAudience = false, TimeSpan? skew = null)
    {
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jwt);
        }
        catch (ArgumentException)
        {
            return (null, AssertionFailure.Malformed);
        }
        if (token.Alg != SecurityAlgorithms.RsaSha256 || string.IsNullOrEmpty(token.Issuer))
        {
            return (null, AssertionFailure.Malformed);
        }
        var candidates = new List<SigningKey>();
        if (!string.IsNullOrEmpty(token.Kid) && state.Keys.Find(token.Kid) is { } byKid)
        {
            candidates.Add(byKid);
        }
        else
        {
            candidates.AddRange(state.Keys.ForAccount(token.Issuer));
        }
        candidates = candidates.Where(k => string.Equals(k.Email, token.Issuer, StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 0 || !candidates.Any(k => SignatureValid(jwt, k)))
        {
            return (null, AssertionFailure.BadSignature);
        }
        var now = state.Clock.GetUtcNow().UtcDateTime;
        var allowedSkew = skew ?? TimeSpan.FromMinutes(5);
        if (!token.TryGetPayloadValue<long>("exp", out _) || !token.TryGetPayloadValue<long>("iat", out _)
            || token.ValidTo + allowedSkew <= now || token.IssuedAt - allowedSkew > now
            || token.ValidTo - token.IssuedAt > MaxAssertionLifetime)
        {
            return (null, AssertionFailure.BadLifetime);
        }
        var scopedWithoutAudience = scopeMayReplaceAudience && !token.Audiences.Any()
            && token.TryGetPayloadValue<string>("scope", out var scope) && !string.IsNullOrEmpty(scope);
        if (!scopedWithoutAudience && !token.Audiences.Any(audienceAccepted))
        {
            return (null, AssertionFailure.BadAudience);
        }
        return (new VerifiedAssertion(token.Issuer, token), AssertionFailure.None);
    }

    /// <summary>Checks an RS256 JWT against one public key, ignoring every claim.</summary>
    public static bool SignatureValid(string jwt, SigningKey key) => SignatureValid(jwt, key.SecurityKey);

    public static bool SignatureValid(string jwt, SecurityKey key)
    {
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            TryAllIssuerSigningKeys = true,
        };
        var result = Handler.ValidateTokenAsync(jwt, parameters).GetAwaiter().GetResult();
        return result.IsValid;
    }

    /// <summary>Signs a JSON payload as an RS256 JWT with header {alg, kid, typ}.</summary>
    public static string Sign(SigningKey key, JsonObject payload) =>
        Handler.CreateToken(payload.ToJsonString(), key.Credentials);

    /// <summary>A Google-style ID token for a service account, signed with the emulator's own key.</summary>
    public static string IdToken(EmulatorState state, ServiceAccountRecord account, string audience, bool includeEmail)
    {
        var now = state.Clock.GetUtcNow().ToUnixTimeSeconds();
        var payload = new JsonObject
        {
            ["iss"] = "https://accounts.google.com",
            ["aud"] = audience,
            ["azp"] = account.UniqueId,
            ["sub"] = account.UniqueId,
            ["iat"] = now,
            ["exp"] = now + (long)state.Tokens.Shortened(TimeSpan.FromHours(1)).TotalSeconds,
        };
        if (includeEmail)
        {
            payload["email"] = account.Email;
            payload["email_verified"] = true;
        }
        return Sign(state.Keys.EmulatorKey, payload);
    }
}
