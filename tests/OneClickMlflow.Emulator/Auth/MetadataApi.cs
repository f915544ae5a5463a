using System;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Auth;

/// <summary>
/// The Compute metadata server (for tests that set GCE_METADATA_HOST): the default service account's token,
/// email and identity, and the project id. Every answer carries <c>Metadata-Flavor: Google</c>.
/// </summary>
public sealed class MetadataApi : IEmulatedApi
{
    private const string Flavor = "Metadata-Flavor";
    private const string Account = "/computeMetadata/v1/instance/service-accounts/default";

    public ApiDescriptor Descriptor { get; } = new("metadata", "computeMetadata", RequiresAuthentication: false);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        routes.MapGet("/", context => Text(context, "computeMetadata/\n", requireFlavor: false));
        routes.MapGet(Account + "/token", context => WithFlavor(context, () =>
        {
            var email = RequireAccount(state);
            var (token, _) = state.Tokens.Issue(Principal.ServiceAccount(email));
            return context.WriteJsonAsync(new JsonObject
            {
                ["access_token"] = token,
                ["expires_in"] = state.Tokens.ExpiresInSeconds,
                ["token_type"] = "Bearer",
            });
        }));
        routes.MapGet(Account + "/email", context => Text(context, RequireAccount(state)));
        routes.MapGet(Account + "/identity", context => WithFlavor(context, () =>
        {
            var audience = context.Query("audience");
            if (string.IsNullOrEmpty(audience))
            {
                return PlainAsync(context, "non-empty audience parameter required", 400);
            }
            var account = state.AddServiceAccount(RequireAccount(state));
            var token = JwtTools.IdToken(state, account, audience, includeEmail: context.Query("format") == "full");
            return PlainAsync(context, token);
        }));
        routes.MapGet(Account + "/", context => WithFlavor(context, () => context.WriteJsonAsync(new JsonObject
        {
            ["aliases"] = new JsonArray("default"),
            ["email"] = RequireAccount(state),
            ["scopes"] = new JsonArray("https://www.googleapis.com/auth/cloud-platform"),
        })));
        routes.MapGet("/computeMetadata/v1/project/project-id", context => Text(context, RequireProject(state).ProjectId));
        routes.MapGet("/computeMetadata/v1/project/numeric-project-id", context =>
            Text(context, RequireProject(state).ProjectNumber.ToString()));
        routes.MapGet("/computeMetadata/v1/universe/universe-domain", context => Text(context, "googleapis.com"));
    }

    private static Task Text(HttpContext context, string text, bool requireFlavor = true) =>
        requireFlavor ? WithFlavor(context, () => PlainAsync(context, text)) : PlainAsync(context, text);

    private static Task WithFlavor(HttpContext context, Func<Task> answer)
    {
        context.Response.Headers[Flavor] = "Google";
        if (context.Request.Headers[Flavor] != "Google")
        {
            return PlainAsync(context, "Missing Metadata-Flavor:Google header.", 403);
        }
        return answer();
    }

    private static Task PlainAsync(HttpContext context, string text, int status = 200)
    {
        context.Response.Headers[Flavor] = "Google";
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/text";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static string RequireAccount(EmulatorState state) =>
        state.MetadataServiceAccount ?? throw new GoogleApiError(404, "NOT_FOUND", "No default service account.");

    private static ProjectState RequireProject(EmulatorState state)
    {
        var id = state.MetadataProjectId ?? (state.Projects.Count > 0 ? state.Projects[0].ProjectId : null);
        return (id is null ? null : state.FindProject(id)) ?? throw new GoogleApiError(404, "NOT_FOUND", "No project.");
    }
}
