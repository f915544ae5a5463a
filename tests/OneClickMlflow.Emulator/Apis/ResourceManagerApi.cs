using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud Resource Manager v1 (and v3 get): projects, their ancestry and IAM policy, and organizations (v1 get).</summary>
public sealed class ResourceManagerApi : IEmulatedApi
{
    /// <summary>cloudresourcemanager_v1 GetAncestryRequest has no field.</summary>
    private static readonly MessageSchema GetAncestryRequest = new("cloudresourcemanager.GetAncestryRequest");

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
        var v1 = routes.MapGroup("/cloudresourcemanager/v1");
        v1.MapPost("/projects/{project}:getAncestry", context => GetAncestry(context, state));
        v1.MapGet("/organizations/{organization}", context => GetOrganization(context, state));
    }

    private static Task GetProject(HttpContext context, EmulatorState state, bool v3)
    {
        var project = Visible(context, state, "resourcemanager.projects.get");
        var created = project.CreateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var json = v3
            ? new JsonObject
            {
                ["name"] = $"projects/{project.ProjectNumber}",
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
        if (project.Parent is { } parent)
        {
            // v3 names the parent (organizations/ID); v1 gives a ResourceId {type: organization|folder, id}.
            json["parent"] = v3 ? parent : ResourceId(parent);
        }
        return context.WriteJsonAsync(json);
    }

    /// <summary>POST v1/projects/{id}:getAncestry: the project, then each parent up to the organization (resourcemanager.projects.get).</summary>
    private static async Task GetAncestry(HttpContext context, EmulatorState state)
    {
        var project = Visible(context, state, "resourcemanager.projects.get");
        await context.ReadBodyAsync(GetAncestryRequest);
        var ancestors = new JsonArray { new JsonObject { ["resourceId"] = new JsonObject { ["type"] = "project", ["id"] = project.ProjectId } } };
        foreach (var ancestor in state.AncestorsOf(project))
        {
            ancestors.Add(new JsonObject { ["resourceId"] = ResourceId(ancestor) });
        }
        await context.WriteJsonAsync(new JsonObject { ["ancestor"] = ancestors });
    }

    /// <summary>
    /// GET v1/organizations/{id}: needs resourcemanager.organizations.get on the organization's own policy; a missing
    /// organization and a forbidden one are the same 403, as for projects.
    /// </summary>
    private static Task GetOrganization(HttpContext context, EmulatorState state)
    {
        var organization = state.FindOrganization(context.Route("organization"));
        if (organization is null || !state.HasPermission(context.Caller(), organization, "resourcemanager.organizations.get"))
        {
            throw GoogleApiError.PermissionDenied("The caller does not have permission");
        }
        return context.WriteJsonAsync(new JsonObject
        {
            ["name"] = organization.Name,
            ["displayName"] = organization.Domain,
            ["owner"] = new JsonObject { ["directoryCustomerId"] = organization.DirectoryCustomerId },
            ["creationTime"] = organization.CreateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["lifecycleState"] = "ACTIVE",
        });
    }

    /// <summary>organizations/ID or folders/ID as a v1 ResourceId.</summary>
    private static JsonObject ResourceId(string name)
    {
        var slash = name.IndexOf('/');
        return new JsonObject { ["type"] = name[..slash].TrimEnd('s'), ["id"] = name[(slash + 1)..] };
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
