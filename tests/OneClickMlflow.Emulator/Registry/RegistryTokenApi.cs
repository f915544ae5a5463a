using System;
using System.Linq;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Registry;

/// <summary>
/// The token service an Artifact-Registry-like Docker registry (distribution in token-auth mode) sends clients to:
/// <c>GET /v2/token?service=...&amp;scope=repository:NAME:pull,push</c> with Basic auth
/// <c>oauth2accesstoken:{access token this emulator issued}</c> returns a registry JWT granting the asked actions.
/// Any other user name, an unknown or expired token, another service, or an unconfigured service gives 401; a
/// repository scope naming no existing Artifact Registry repository, or one the caller holds no permission on, 403.
/// </summary>
public sealed class RegistryTokenApi : IEmulatedApi
{
    public const string UserName = "oauth2accesstoken";

    private static readonly MessageSchema ConfigureSchema = new MessageSchema("emulator.RegistryTokenSettings")
        .String("certificatePem", required: true).String("privateKeyPem", required: true)
        .String("service", required: true).String("issuer", required: true).String("registryUrl");

    public ApiDescriptor Descriptor { get; } = new("registrytoken", "v2", RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapGet("/v2/token", context => IssueAsync(context, state));
        routes.MapPost(EmulatorPipeline.AdminPrefix + "/registry-token", context => ConfigureAsync(context, state));
    }

    /// <summary>
    /// Admin: <c>{"certificatePem", "privateKeyPem", "service", "issuer", "registryUrl"?}</c> sets what tokens are
    /// signed with and for whom, for a standalone emulator serving a registry that a script started.
    /// </summary>
    private static async Task ConfigureAsync(HttpContext context, EmulatorState state)
    {
        var body = await context.ReadBodyAsync(ConfigureSchema);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(body["certificatePem"]!.GetValue<string>(), body["privateKeyPem"]!.GetValue<string>());
        }
        catch (CryptographicException e)
        {
            throw GoogleApiError.InvalidArgument("certificatePem and privateKeyPem must be a PEM certificate and its private key: " + e.Message);
        }
        var registryUrl = body["registryUrl"]?.GetValue<string>() is { } url ? new Uri(url) : null;
        state.ApiState<RegistryTokenSettings>().Configure(certificate, body["service"]!.GetValue<string>(), body["issuer"]!.GetValue<string>(), registryUrl);
        await context.WriteJsonAsync(new JsonObject { ["service"] = body["service"]!.GetValue<string>(), ["issuer"] = body["issuer"]!.GetValue<string>() });
    }

    private static Task IssueAsync(HttpContext context, EmulatorState state)
    {
        var settings = state.ApiState<RegistryTokenSettings>().Current;
        if (settings is not { } configured)
        {
            return Unauthorized(context, "The registry token service has no signing key.");
        }
        var service = context.Request.Query["service"].ToString();
        if (service != configured.Service)
        {
            return Unauthorized(context, $"Unknown registry service '{service}'.");
        }
        if (BasicCredentials(context.Request) is not { } credentials || credentials.User != UserName)
        {
            return Unauthorized(context, $"Registry access needs Basic auth as '{UserName}' with a Google access token.");
        }
        var principal = state.Tokens.Resolve(credentials.Password);
        if (principal is null)
        {
            return Unauthorized(context, "The access token is invalid or expired.");
        }
        var scopes = context.Request.Query["scope"]
            .SelectMany(scope => (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(RegistryScope.Parse)
            .OfType<RegistryScope>()
            .ToList();
        foreach (var scope in scopes)
        {
            if (RepositoryAccess.Refusal(state, principal, scope) is { } refusal)
            {
                return Denied(context, refusal);
            }
        }
        var access = new JsonArray(scopes.Select(scope => (JsonNode)scope.ToAccessEntry()).ToArray());
        var token = RegistryTokenSigner.Sign(configured.Certificate, configured.Issuer, principal.Member, service, access,
            state.Clock.GetUtcNow(), state.ApiState<RegistryTokenSettings>().Lifetime);
        return context.WriteJsonAsync(new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (int)state.ApiState<RegistryTokenSettings>().Lifetime.TotalSeconds,
            ["issued_at"] = state.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        });
    }

    private static (string User, string Password)? BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':');
        return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
    }

    /// <summary>403 DENIED, as Artifact Registry answers a push or pull the caller may not make (or to no repository).</summary>
    private static Task Denied(HttpContext context, string message) =>
        context.WriteJsonAsync(new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["code"] = "DENIED", ["message"] = message }),
        }, StatusCodes.Status403Forbidden);

    private static Task Unauthorized(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Artifact Registry\"";
        return context.WriteJsonAsync(new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["code"] = "UNAUTHORIZED", ["message"] = message }),
        }, StatusCodes.Status401Unauthorized);
    }
}
