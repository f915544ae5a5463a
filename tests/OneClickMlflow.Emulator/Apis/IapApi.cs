using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// IAP v1 for App Engine: the IAM policy of the app (<c>iap_web/appengine-{app}</c>) and of each of its services
/// (<c>.../services/{service}</c>), and the app's IAP settings. The brands / identityAwareProxyClients API, which
/// Google shut down, is not served.
/// </summary>
public sealed class IapApi : IEmulatedApi
{
    public const string Service = "iap.googleapis.com";
    public const string AccessPermission = "iap.webServiceVersions.accessViaIAP";
    private const string ResourcePrefix = "appengine-";

    private static readonly MessageSchema IapSettings = new MessageSchema("google.cloud.iap.v1.IapSettings")
        .String("name").AnyJson("accessSettings").AnyJson("applicationSettings");

    public ApiDescriptor Descriptor { get; } = new("iap", "iap", RequiresAuthentication: true, EndpointOverride: "iap", ServiceName: Service);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var web = routes.MapGroup("/iap/v1/projects/{project}/iap_web");
        web.MapPost("/{resource}", context => AppResource(context, state, serviceId: null));
        web.MapGet("/{resource}", context => AppResource(context, state, serviceId: null));
        web.MapPatch("/{resource}", context => AppResource(context, state, serviceId: null));
        web.MapPost("/{resource}/services/{service}", context =>
        {
            var (serviceId, _) = SplitMethod(context.Route("service"));
            return AppResource(context, state, serviceId);
        });
        routes.Map("/iap/v1/projects/{project}/brands/{**rest}", BrandsShutDown);
        routes.Map("/iap/v1/projects/{project}/brands", BrandsShutDown);
    }

    /// <summary>Whether a member may pass IAP to a service: the accessor role on the service, the app or the project.</summary>
    public static bool CanAccess(ProjectState project, AppEngineApplication app, AppEngineService service, string member) =>
        Grants(service.IapPolicy, member) || Grants(app.IapPolicy, member) || project.Grants(member, AccessPermission);

    private static bool Grants(IamPolicy policy, string member) =>
        policy.Grants(member, AccessPermission) || policy.Grants("allAuthenticatedUsers", AccessPermission);

    private static async Task AppResource(HttpContext context, EmulatorState state, string? serviceId)
    {
        var (resource, appMethod) = SplitMethod(context.Route("resource"));
        var method = serviceId is null ? appMethod : SplitMethod(context.Route("service")).Method;
        if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        {
            throw GoogleApiError.NotFound($"Resource iap_web/{resource} is not an App Engine app of this project.");
        }
        var expectedVerb = method == "iapSettings" ? (context.Request.Method is "GET" or "PATCH") : context.Request.Method == "POST";
        if (!expectedVerb || method is null)
        {
            throw GoogleApiError.NotFound($"Method {context.Request.Method} {context.Request.Path} is not found.");
        }
        var projectId = context.Route("project");
        var project = state.FindProject(projectId) ?? throw GoogleApiError.PermissionDenied("The caller does not have permission");
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "Cloud Identity-Aware Proxy API");
        }
        var permission = method switch
        {
            "getIamPolicy" => "iap.web.getIamPolicy",
            "setIamPolicy" => "iap.web.setIamPolicy",
            "testIamPermissions" => null,
            "iapSettings" => context.Request.Method == "GET" ? "iap.web.getSettings" : "iap.web.updateSettings",
            _ => throw GoogleApiError.NotFound($"Method {method} is not found."),
        };
        if (permission is not null)
        {
            context.RequirePermission(state, project, permission, "The caller does not have permission");
        }
        var appId = resource[ResourcePrefix.Length..];
        AppEngineApplication app;
        AppEngineService? service = null;
        lock (state.Gate)
        {
            app = state.ApiState<AppEngineState>().Apps.GetValueOrDefault(appId) is { } found && appId == project.ProjectId
                ? found
                : throw GoogleApiError.NotFound($"App Engine application {appId} was not found.");
            if (serviceId is not null)
            {
                service = app.Services.GetValueOrDefault(serviceId)
                    ?? throw GoogleApiError.NotFound($"App Engine service {serviceId} of application {appId} was not found.");
            }
        }
        var policy = service?.IapPolicy ?? app.IapPolicy;
        switch (method)
        {
            case "getIamPolicy":
                await IamPolicyEndpoints.GetAsync(context, state, policy);
                break;
            case "setIamPolicy":
                await IamPolicyEndpoints.SetAsync(context, state, policy);
                break;
            case "testIamPermissions":
                await IamPolicyEndpoints.TestAsync(context, p =>
                {
                    var member = context.Caller()?.Member;
                    lock (state.Gate)
                    {
                        return member is null ? state.AllowUnauthenticated : policy.Grants(member, p) || project.Grants(member, p);
                    }
                });
                break;
            default:
                await Settings(context, state, project, app);
                break;
        }
    }

    /// <summary>GET or PATCH the app's IapSettings; a PATCH replaces the top-level sections its mask names (all without a mask).</summary>
    private static async Task Settings(HttpContext context, EmulatorState state, ProjectState project, AppEngineApplication app)
    {
        var name = $"projects/{project.ProjectNumber}/iap_web/{ResourcePrefix}{app.Id}";
        if (context.Request.Method == "PATCH")
        {
            var body = await context.ReadBodyAsync(IapSettings);
            var mask = AppEngineApi.Mask(context);
            var sections = mask.Length == 0
                ? new List<string> { "accessSettings", "applicationSettings" }
                : mask.Select(SettingsSection).Distinct().ToList();
            lock (state.Gate)
            {
                foreach (var section in sections)
                {
                    app.IapSettings.Remove(section);
                    if (body[section] is JsonNode value)
                    {
                        app.IapSettings[section] = value.DeepClone();
                    }
                }
            }
        }
        JsonObject json;
        lock (state.Gate)
        {
            json = (JsonObject)app.IapSettings.DeepClone();
        }
        json.Insert(0, "name", name);
        await context.WriteJsonAsync(json);
    }

    /// <summary>The IapSettings section a mask path names (<c>iap_settings.access_settings.x</c> -> accessSettings).</summary>
    private static string SettingsSection(string path)
    {
        var relative = path.StartsWith("iap_settings.", StringComparison.Ordinal) ? path["iap_settings.".Length..] : path;
        return relative.Split('.')[0] switch
        {
            "access_settings" or "accessSettings" => "accessSettings",
            "application_settings" or "applicationSettings" => "applicationSettings",
            _ => throw GoogleApiError.InvalidArgument($"Invalid update mask path: {path}.", "update_mask"),
        };
    }

    private static Task BrandsShutDown(HttpContext context) => throw GoogleApiError.NotFound(
        "The IAP OAuth Admin API (brands and identityAwareProxyClients) has been shut down. Use the Google-managed " +
        "OAuth client, or create an OAuth client in the Google Cloud console.");

    /// <summary><c>appengine-app:getIamPolicy</c> -> (<c>appengine-app</c>, <c>getIamPolicy</c>).</summary>
    private static (string Name, string? Method) SplitMethod(string segment)
    {
        var colon = segment.LastIndexOf(':');
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }
}
