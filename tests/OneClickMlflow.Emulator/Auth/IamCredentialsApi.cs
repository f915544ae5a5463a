using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// IAM Service Account Credentials v1: generateAccessToken, generateIdToken, signJwt, signBlob. The caller
/// needs the matching permission (roles/iam.serviceAccountTokenCreator) on the account or its project.
/// </summary>
public sealed class IamCredentialsApi : IEmulatedApi
{
    private static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxSignedJwtLifetime = TimeSpan.FromHours(12);

    private static readonly MessageSchema GenerateAccessTokenRequest = new MessageSchema("google.iam.credentials.v1.GenerateAccessTokenRequest")
        .Strings("delegates").String("lifetime").Strings("scope", required: true);

    private static readonly MessageSchema GenerateIdTokenRequest = new MessageSchema("google.iam.credentials.v1.GenerateIdTokenRequest")
        .String("audience", required: true).Strings("delegates").Bool("includeEmail").Bool("organizationNumberIncluded");

    private static readonly MessageSchema SignJwtRequest = new MessageSchema("google.iam.credentials.v1.SignJwtRequest")
        .Strings("delegates").String("payload", required: true);

    private static readonly MessageSchema SignBlobRequest = new MessageSchema("google.iam.credentials.v1.SignBlobRequest")
        .Strings("delegates").Bytes("payload", required: true);

    public ApiDescriptor Descriptor { get; } = new(
        "iamcredentials", "iamcredentials", RequiresAuthentication: true, EndpointOverride: "iamcredentials",
        ServiceName: "iamcredentials.googleapis.com");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var accounts = routes.MapGroup("/iamcredentials/v1/projects/{project}/serviceAccounts");
        accounts.MapPost("/{account}:generateAccessToken", context => GenerateAccessToken(context, state));
        accounts.MapPost("/{account}:generateIdToken", context => GenerateIdToken(context, state));
        accounts.MapPost("/{account}:signJwt", context => SignJwt(context, state));
        accounts.MapPost("/{account}:signBlob", context => SignBlob(context, state));
    }

    private static async Task GenerateAccessToken(HttpContext context, EmulatorState state)
    {
        var account = Target(context, state, "iam.serviceAccounts.getAccessToken");
        var body = await context.ReadBodyAsync(GenerateAccessTokenRequest);
        if (body["scope"] is not JsonArray { Count: > 0 })
        {
            throw GoogleApiError.InvalidArgument("Scope required.", "scope");
        }
        var lifetime = ParseDuration(body["lifetime"]?.GetValue<string>()) ?? MaxTokenLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > MaxTokenLifetime)
        {
            throw GoogleApiError.InvalidArgument(
                "The lifetime of the requested token must be between 1 second and 3600 seconds.", "lifetime");
        }
        var (token, expiry) = state.Tokens.Issue(Principal.ServiceAccount(account.Email), lifetime);
        await context.WriteJsonAsync(new JsonObject
        {
            ["accessToken"] = token,
            ["expireTime"] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });
    }

    private static async Task GenerateIdToken(HttpContext context, EmulatorState state)
    {
        var account = Target(context, state, "iam.serviceAccounts.getOpenIdToken");
        var body = await context.ReadBodyAsync(GenerateIdTokenRequest);
        var audience = body["audience"]!.GetValue<string>();
        if (audience.Length == 0)
        {
            throw GoogleApiError.InvalidArgument("Audience required.", "audience");
        }
        var includeEmail = body["includeEmail"]?.GetValue<bool>() ?? false;
        await context.WriteJsonAsync(new JsonObject { ["token"] = JwtTools.IdToken(state, account, audience, includeEmail) });
    }

    private static async Task SignJwt(HttpContext context, EmulatorState state)
    {
        var account = Target(context, state, "iam.serviceAccounts.signJwt");
        var body = await context.ReadBodyAsync(SignJwtRequest);
        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(body["payload"]!.GetValue<string>()) as JsonObject
                ?? throw GoogleApiError.InvalidArgument("Payload must be a JSON object.", "payload");
        }
        catch (JsonException)
        {
            throw GoogleApiError.InvalidArgument("Payload must be valid JSON.", "payload");
        }
        if (payload["exp"] is JsonValue exp && exp.TryGetValue<long>(out var expSeconds)
            && DateTimeOffset.FromUnixTimeSeconds(expSeconds) > state.Clock.GetUtcNow() + MaxSignedJwtLifetime)
        {
            throw GoogleApiError.InvalidArgument("The exp claim must be at most 12 hours in the future.", "payload");
        }
        if (state.Tokens.LifetimeOverride is { } lifetime)
        {
            // The short-lived token switch: the JWT expires at most that long after it was issued (Google signs as given).
            var issued = payload["iat"] is JsonValue iat && iat.TryGetValue<long>(out var iatSeconds) ? iatSeconds : state.Clock.GetUtcNow().ToUnixTimeSeconds();
            var latest = issued + (long)lifetime.TotalSeconds;
            if (payload["exp"] is not JsonValue current || !current.TryGetValue<long>(out var currentExp) || currentExp > latest)
            {
                payload["exp"] = latest;
            }
        }
        var key = state.Keys.ManagedKeyFor(account.Email);
        await context.WriteJsonAsync(new JsonObject
        {
            ["keyId"] = key.KeyId,
            ["signedJwt"] = JwtTools.Sign(key, payload),
        });
    }

    private static async Task SignBlob(HttpContext context, EmulatorState state)
    {
        var account = Target(context, state, "iam.serviceAccounts.signBlob");
        var body = await context.ReadBodyAsync(SignBlobRequest);
        var blob = Convert.FromBase64String(body["payload"]!.GetValue<string>());
        var key = state.Keys.ManagedKeyFor(account.Email);
        var signature = key.Rsa.SignData(blob, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        await context.WriteJsonAsync(new JsonObject
        {
            ["keyId"] = key.KeyId,
            ["signedBlob"] = Convert.ToBase64String(signature),
        });
    }

    /// <summary>The target account, when it exists and the caller holds the permission; Google answers both failures alike.</summary>
    private static ServiceAccountRecord Target(HttpContext context, EmulatorState state, string permission)
    {
        var account = state.FindServiceAccount(context.Route("account"));
        if (account is null || !state.HasPermission(context.Caller(), account, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied on resource (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
        return account;
    }

    private static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.EndsWith('s') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
        throw GoogleApiError.InvalidArgument($"Invalid value at 'lifetime' (type.googleapis.com/google.protobuf.Duration), \"{text}\"", "lifetime");
    }
}
