using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud Resource Manager v1 (and v3 get): projects and their IAM policy.</summary>
public sealed class ResourceManagerApi : IEmulatedApi
{
    public ApiDescriptor Descriptor { get; } = new(
        "cloudresourcemanager", "cloudresourcemanager", RequiresAuthentication: true,
        EndpointOverride: "cloudresourcemanager", ServiceName: "cloudresourcemanager.googleapis.com");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        foreach (var version in new[] { "v1", "v3" })
        {
            var group = routes.MapGroup("/cloudresourcemanager/" + version);
            var isV3 = version == "v3";
            group.MapGet("/projects/{project}", context => GetProject(context, state, isV3));
            group.MapPost("/projects/{project}:getIamPolicy", context =>
                IamPolicyEndpoints.GetAsync(context, state, Visible(context, state, "resourcemanager.projects.getIamPolicy").Policy));
            group.MapPost("/projects/{project}:setIamPolicy", context =>
                IamPolicyEndpoints.SetAsync(context, state, Visible(context, state, "resourcemanager.projects.setIamPolicy").Policy));
            group.MapPost("/projects/{project}:testIamPermissions", context =>
            {
                var project = Visible(context, state, permission: null);
                return IamPolicyEndpoints.TestAsync(context, p => state.HasPermission(context.Caller(), project, p));
            });
        }
    }

    private static Task GetProject(HttpContext context, EmulatorState state, bool v3)
    {
        var project = Visible(context, state, "resourcemanager.projects.get");
        var created = project.CreateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var json = v3
            ? new JsonObject
            {
                ["name"] = $"projects/{project.ProjectNumber}",
                ["parent"] = "organizations/0",
                ["projectId"] = project.ProjectId,
                ["state"] = "ACTIVE",
                ["displayName"] = project.Name,
                ["createTime"] = created,
                ["updateTime"] = created,
                ["etag"] = "W/\"" + project.ProjectNumber.ToString("x") + "\"",
            }
            : new JsonObject
            {
                ["projectNumber"] = project.ProjectNumber.ToString(),
                ["projectId"] = project.ProjectId,
                ["lifecycleState"] = "ACTIVE",
                ["name"] = project.Name,
                ["createTime"] = created,
            };
        return context.WriteJsonAsync(json);
    }

    /// <summary>
    /// The project, when it exists and the caller holds <paramref name="permission"/> on it; otherwise Google's
    /// 403 that does not tell a missing project from a forbidden one.
    /// </summary>
    private static ProjectState Visible(HttpContext context, EmulatorState state, string? permission)
    {
        var id = context.Route("project");
        var project = state.FindProject(id);
        if (project is null || permission is not null && !state.HasPermission(context.Caller(), project, permission))
        {
            throw GoogleApiError.PermissionDenied("The caller does not have permission");
        }
        return project;
    }
}
