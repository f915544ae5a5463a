using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>IAM v1, the part the credential flows need: read service accounts and their IAM policies.</summary>
public sealed class IamApi : IEmulatedApi
{
    public ApiDescriptor Descriptor { get; } = new(
        "iam", "iam", RequiresAuthentication: true, EndpointOverride: "iam", ServiceName: "iam.googleapis.com");

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        var accounts = routes.MapGroup("/iam/v1/projects/{project}/serviceAccounts");
        accounts.MapGet("", context => List(context, state));
        accounts.MapGet("/{account}", context =>
            context.WriteJsonAsync(AccountJson(Find(context, state, "iam.serviceAccounts.get"))));
        accounts.MapPost("/{account}:getIamPolicy", context =>
            IamPolicyEndpoints.GetAsync(context, state, Find(context, state, "iam.serviceAccounts.getIamPolicy").Policy));
        accounts.MapPost("/{account}:setIamPolicy", context =>
            IamPolicyEndpoints.SetAsync(context, state, Find(context, state, "iam.serviceAccounts.setIamPolicy").Policy));
    }

    private static Task List(HttpContext context, EmulatorState state)
    {
        var project = state.FindProject(context.Route("project"));
        if (project is null || !state.HasPermission(context.Caller(), project, "iam.serviceAccounts.list"))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
        var accounts = state.ServiceAccounts.Where(a => a.ProjectId == project.ProjectId).ToList();
        var body = new JsonObject();
        if (accounts.Count > 0)
        {
            body["accounts"] = new JsonArray(accounts.Select(a => (JsonNode?)AccountJson(a)).ToArray());
        }
        return context.WriteJsonAsync(body);
    }

    private static ServiceAccountRecord Find(HttpContext context, EmulatorState state, string permission)
    {
        var account = state.FindServiceAccount(context.Route("account"));
        if (account is null)
        {
            throw GoogleApiError.NotFound($"Unknown service account");
        }
        if (!state.HasPermission(context.Caller(), account, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied on resource (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
        return account;
    }

    private static JsonObject AccountJson(ServiceAccountRecord account)
    {
        var json = new JsonObject
        {
            ["name"] = $"projects/{account.ProjectId}/serviceAccounts/{account.Email}",
            ["projectId"] = account.ProjectId,
            ["uniqueId"] = account.UniqueId,
            ["email"] = account.Email,
            ["etag"] = "MDEwMjE5MjA=",
            ["oauth2ClientId"] = account.UniqueId,
        };
        if (account.DisplayName is not null)
        {
            json["displayName"] = account.DisplayName;
        }
        return json;
    }
}
