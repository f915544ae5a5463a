using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;
using OneClickMlflow.Emulator.Auth;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// The front door of deployed App Engine apps, behaving as IAP does. A request for <c>https://{host}/{path}</c> is
/// sent to <c>{emulator}/appspot/{host}/{path}</c>, where host is the app's <c>defaultHostname</c> (the default
/// service) or <c>{service}-dot-{defaultHostname}</c>. IAP checks the credentials, adds its signed header
/// (<see cref="IapSignedHeader"/>), then the MLflow stand-in of the serving version answers.
/// Clients get there through configuration: the module's <see cref="EndpointOverrideVariable"/>, which the
/// emulator's environment sets, maps every app host to this prefix. A token's audience is the URL the app was
/// reached at with <c>/*</c>: <c>https://{host}/*</c>, or <c>{emulator}/appspot/{host}/*</c> through the prefix.
/// </summary>
public sealed class AppFrontDoor : IEmulatedApi
{
    public const string PathPrefix = "appspot";

    /// <summary>The module's setting that sends requests for an app's host to <c>{value}{host}/</c>.</summary>
    public const string EndpointOverrideVariable = "ONECLICKMLFLOW_APPSPOT_ENDPOINT_OVERRIDE";
    private const string GoogleManagedClientSuffix = "-iap-managed.apps.googleusercontent.com";

    public ApiDescriptor Descriptor { get; } = new("appspot", PathPrefix, RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.Map("/appspot/{host}", context => Serve(context, state));
        routes.Map("/appspot/{host}/{**path}", context => Serve(context, state));
    }

    /// <summary>The front-door URL of a page of an app, for a client that cannot resolve appspot.com names.</summary>
    public static Uri UrlFor(Uri emulatorBase, string host, string path = "") => new(emulatorBase, $"{PathPrefix}/{host}/{path.TrimStart('/')}");

    private static async Task Serve(HttpContext context, EmulatorState state)
    {
        if (await RequestTooLarge(context))
        {
            return;
        }
        var host = context.Route("host").ToLowerInvariant();
        AppEngineApplication? app;
        AppEngineService? service;
        ProjectState? project;
        lock (state.Gate)
        {
            var resolved = state.ApiState<AppEngineState>().ResolveHost(host);
            app = resolved?.App;
            service = resolved is { } r ? r.App.Services.GetValueOrDefault(r.ServiceId) : null;
            project = app is null ? null : state.FindProject(app.Id);
        }
        if (app is null || project is null || service is null || !service.HasServingVersion)
        {
            await WriteText(context, 404, "404 Not Found: the requested URL was not found on this server.");
            return;
        }
        if (app.ServingStatus != "SERVING" || !app.IapEnabled)
        {
            await WriteText(context, 503, "503 Service Unavailable: this emulator serves apps only while they serve behind IAP.");
            return;
        }
        var token = BearerToken(context.Request.Headers["Proxy-Authorization"]) ?? BearerToken(context.Request.Headers.Authorization);
        if (token is null)
        {
            if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                var clientId = app.OAuthClientId ?? $"{project.ProjectNumber}{GoogleManagedClientSuffix}";
                context.Response.Redirect(
                    "https://accounts.google.com/o/oauth2/v2/auth?client_id=" + Uri.EscapeDataString(clientId) +
                    "&response_type=code&scope=openid+email&redirect_uri=" + Uri.EscapeDataString($"https://{host}/_gcp_iap/handle_redirect"));
                return;
            }
            await WriteText(context, 401, "Invalid IAP credentials: empty token");
            return;
        }
        var servedAt = $"{context.Request.Scheme}://{context.Request.Host}/{PathPrefix}/{host}/*";
        var member = Authenticate(state, app, token, audience => audience == $"https://{host}/*" || audience == servedAt);
        if (member is null)
        {
            await WriteText(context, 401, "Invalid IAP credentials: Unable to parse JWT or the JWT was not valid for this application.");
            return;
        }
        bool allowed;
        MlflowServerSettings server;
        lock (state.Gate)
        {
            allowed = IapApi.CanAccess(project, app, service, member);
            server = MlflowServerSettings.Of(service.ServingVersion);
        }
        if (!allowed)
        {
            await WriteText(context, 403, $"You don't have access. {member} lacks roles/iap.httpsResourceAccessor on this application.");
            return;
        }
        AddSignedHeader(context.Request.Headers, IapSignedHeader.For(state, IapSignedHeader.Audience(project, app), member));
        await MlflowStandIn.Serve(context, state, state.ApiState<MlflowTrackingState>().For(host), "/" + context.Route("path"), server);
    }

    /// <summary>
    /// IAP strips the x-goog-* headers the client sent and adds its signed assertion
    /// (https://cloud.google.com/iap/docs/signed-headers-howto), so a client can never forge the header.
    /// </summary>
    private static void AddSignedHeader(IHeaderDictionary headers, string assertion)
    {
        foreach (var name in headers.Keys.Where(n => n.StartsWith("x-goog-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(name);
        }
        headers[IapSignedHeader.Name] = assertion;
    }

    /// <summary>
    /// The IAM member a token stands for: a service-account JWT whose audience is the app's URL with <c>/*</c>, or an
    /// ID token the emulator issued whose audience is the app's custom OAuth client or an allowlisted programmatic client.
    /// </summary>
    private static string? Authenticate(EmulatorState state, AppEngineApplication app, string token, Func<string, bool> isAppAudience)
    {
        // Under the short-lived token switch IAP's clock allows no skew, so an expired token is refused at once.
        var skew = state.Tokens.LifetimeOverride is null ? (TimeSpan?)null : TimeSpan.Zero;
        var (assertion, failure) = JwtTools.VerifyServiceAccountJwt(state, token, isAppAudience, skew: skew);
        if (assertion is not null)
        {
            return assertion.Token.Subject == assertion.Email ? "serviceAccount:" + assertion.Email : null;
        }
        if (failure != JwtTools.AssertionFailure.BadSignature || !JwtTools.SignatureValid(token, state.Keys.EmulatorKey))
        {
            return null;
        }
        var idToken = new JsonWebToken(token);
        var now = state.Clock.GetUtcNow().UtcDateTime;
        if (idToken.Issuer != "https://accounts.google.com" || idToken.ValidTo <= now || idToken.IssuedAt > now.AddMinutes(5)
            || !idToken.TryGetPayloadValue<string>("email", out var email))
        {
            return null;
        }
        IEnumerable<string> clients;
        lock (state.Gate)
        {
            clients = (app.IapSettings["accessSettings"]?["oauthSettings"]?["programmaticClients"] as JsonArray)?
                .Select(c => c!.GetValue<string>()).ToList() ?? new List<string>();
        }
        if (app.OAuthClientId is not null)
        {
            clients = clients.Append(app.OAuthClientId);
        }
        if (!idToken.Audiences.Any(clients.Contains))
        {
            return null;
        }
        return (email.EndsWith(".gserviceaccount.com", StringComparison.OrdinalIgnoreCase) ? "serviceAccount:" : "user:") + email;
    }

    /// <summary>
    /// App Engine (and IAP in front of it) refuses a request over 32 MB (App Engine quotas, "request size"), with the
    /// Google front end's 413 page, before IAP looks at it. A body without Content-Length is cut off at the limit the same way.
    /// </summary>
    private static async Task<bool> RequestTooLarge(HttpContext context)
    {
        // Kestrel's own 30,000,000-byte cap would answer first, and differently.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        if (context.Request.ContentLength is { } length && length <= MaxRequestBytes)
        {
            return false;
        }
        if (context.Request.ContentLength is null)
        {
            if (!context.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            var buffered = new System.IO.MemoryStream();
            var read = await CopyUpTo(context.Request.Body, buffered, MaxRequestBytes + 1, context.RequestAborted);
            if (read <= MaxRequestBytes)
            {
                buffered.Position = 0;
                context.Request.Body = buffered;
                return false;
            }
        }
        context.Response.StatusCode = StatusCodes.Status413RequestEntityTooLarge;
        context.Response.ContentType = "text/html; charset=UTF-8";
        context.Response.Headers.Connection = "close";
        await context.Response.WriteAsync("<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 413 (Request Entity Too Large)!!1</title>\n" +
            "  <p><b>413.</b> <ins>That’s an error.</ins>\n  <p>Your client issued a request that was too large.\n  <ins>That’s all we know.</ins>\n",
            context.RequestAborted);
        return true;
    }

    /// <summary>32 MB, as App Engine counts a request's size.</summary>
    public const long MaxRequestBytes = 32L * 1024 * 1024;

    private static async Task<long> CopyUpTo(System.IO.Stream source, System.IO.Stream destination, long limit, System.Threading.CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while (total < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - total)), cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }
        return total;
    }

    private static string? BearerToken(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    private static Task WriteText(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=UTF-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
