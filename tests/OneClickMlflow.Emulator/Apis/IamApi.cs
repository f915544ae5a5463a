using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The IAM API's own switches (the service accounts live in the emulator's one registry).</summary>
public sealed class IamState
{
    /// <summary>
    /// Named realism switch, off by default: under the realistic latency profile, a service account created
    /// through the API answers 404 to getIamPolicy/setIamPolicy for its first seconds, as Google's eventual
    /// consistency does (<c>iam.serviceAccounts.propagation</c> in the latency table, times the scale).
    /// </summary>
    public bool SimulatePropagationDelay { get; set; }

    /// <summary>
    /// The custom roles this emulator made. What a role grants lives in the process-wide <see cref="RoleCatalog"/>
    /// (policies resolve roles without the state), so existence is answered from here: another emulator in the same
    /// process never makes a role "already exist" or be found.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> CustomRoles { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// IAM v1 service accounts: create, get (by email or unique id, under <c>projects/-</c> too), list, patch, delete,
/// and the account's IAM policy. The accounts are the emulator's single registry, which the credential APIs use.
/// </summary>
public sealed class IamApi : IEmulatedApi
{
    private const string ServiceName = "iam.googleapis.com";

    private static readonly MessageSchema ServiceAccount = new MessageSchema("google.iam.admin.v1.ServiceAccount")
        .String("name").String("projectId").String("uniqueId").String("email").String("displayName")
        .Bytes("etag").String("description").String("oauth2ClientId").Bool("disabled");

    private static readonly MessageSchema CreateRequest = new MessageSchema("google.iam.admin.v1.CreateServiceAccountRequest")
        .String("accountId", required: true).Message("serviceAccount", ServiceAccount);

    private static readonly MessageSchema PatchRequest = new MessageSchema("google.iam.admin.v1.PatchServiceAccountRequest")
        .Message("serviceAccount", ServiceAccount, required: true).String("updateMask");

    public ApiDescriptor Descriptor { get; } = new(
        "iam", "iam", RequiresAuthentication: true, EndpointOverride: "iam", ServiceName: ServiceName);

    private static readonly string[] RoleStages = { "ALPHA", "BETA", "GA", "DEPRECATED", "DISABLED", "EAP" };

    private static readonly MessageSchema Role = new MessageSchema("google.iam.admin.v1.Role")
        .String("name").String("title").String("description").Strings("includedPermissions")
        .Enum("stage", "google.iam.admin.v1.Role.RoleLaunchStage", RoleStages).Bytes("etag").Bool("deleted");

    private static readonly MessageSchema CreateRoleRequest = new MessageSchema("google.iam.admin.v1.CreateRoleRequest")
        .String("roleId", required: true).Message("role", Role);

    public void Map(IEndpointRouteBuilder routes, EmulatorState state)
    {
        // Custom roles of a project (gcloud iam roles create --project P): what a role grants is exactly its permissions.
        routes.MapPost("/iam/v1/projects/{project}/roles", context => CreateRole(context, state));
        routes.MapGet("/iam/v1/projects/{project}/roles/{role}", context =>
        {
            var project = Project(context, state, "iam.roles.get");
            var name = $"projects/{project.ProjectId}/roles/{context.Route("role")}";
            var permissions = (state.ApiState<IamState>().CustomRoles.ContainsKey(name) ? RoleCatalog.CustomRolePermissions(name) : null)
                ?? throw GoogleApiError.NotFound($"The role named {name} was not found.");
            return context.WriteJsonAsync(RoleJson(name, permissions));
        });
        var accounts = routes.MapGroup("/iam/v1/projects/{project}/serviceAccounts");
        accounts.MapPost("", context => Create(context, state));
        accounts.MapGet("", context => List(context, state));
        accounts.MapGet("/{account}", context =>
            context.WriteJsonAsync(AccountJson(state, Find(context, state, "iam.serviceAccounts.get"))));
        accounts.MapPatch("/{account}", context => Patch(context, state));
        accounts.MapDelete("/{account}", context => Delete(context, state));
        // iam.projects.serviceAccounts.getIamPolicy takes no body: options.requestedPolicyVersion is a query parameter.
        accounts.MapPost("/{account}:getIamPolicy", context =>
            IamPolicyEndpoints.GetByQueryAsync(context, state, Propagated(state, Find(context, state, "iam.serviceAccounts.getIamPolicy")).Policy));
        accounts.MapPost("/{account}:setIamPolicy", context =>
            IamPolicyEndpoints.SetAsync(context, state, Propagated(state, Find(context, state, "iam.serviceAccounts.setIamPolicy")).Policy));
        // Which of the asked permissions the caller holds on the account (its own policy or its project's); no permission needed.
        accounts.MapPost("/{account}:testIamPermissions", context =>
        {
            var account = state.FindServiceAccount(context.Route("account")) ?? throw GoogleApiError.NotFound("Unknown service account");
            return IamPolicyEndpoints.TestAsync(context, permission => state.HasPermission(context.Caller(), account, permission));
        });
    }

    private static async Task CreateRole(HttpContext context, EmulatorState state)
    {
        var project = Project(context, state, "iam.roles.create");
        var body = await context.ReadBodyAsync(CreateRoleRequest);
        var roleId = body["roleId"]!.GetValue<string>();
        if (!System.Text.RegularExpressions.Regex.IsMatch(roleId, "^[a-zA-Z0-9_.]{3,64}$"))
        {
            throw GoogleApiError.InvalidArgument($"The role id {roleId} is invalid: use 3 to 64 letters, digits, underscores and periods.", "role_id");
        }
        var permissions = (body["role"]?["includedPermissions"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToList() ?? new System.Collections.Generic.List<string>();
        var name = $"projects/{project.ProjectId}/roles/{roleId}";
        if (!state.ApiState<IamState>().CustomRoles.TryAdd(name, true))
        {
            throw GoogleApiError.AlreadyExists($"A role named {roleId} in projects/{project.ProjectId} already exists.");
        }
        RoleCatalog.DefineCustomRole(name, permissions);
        var json = RoleJson(name, permissions);
        json["title"] = body["role"]?["title"]?.GetValue<string>() ?? roleId;
        json["stage"] = body["role"]?["stage"]?.GetValue<string>() ?? "ALPHA";
        await context.WriteJsonAsync(json);
    }

    private static JsonObject RoleJson(string name, System.Collections.Generic.IEnumerable<string> permissions) => new()
    {
        ["name"] = name,
        ["includedPermissions"] = new JsonArray(permissions.Select(p => (JsonNode?)p).ToArray()),
        ["etag"] = "BwYAAAAAAAA=",
    };

    private static async Task Create(HttpContext context, EmulatorState state)
    {
        var project = Project(context, state, "iam.serviceAccounts.create");
        var body = await context.ReadBodyAsync(CreateRequest);
        var accountId = body["accountId"]!.GetValue<string>();
        if (!ResourceNames.IsValidServiceAccountId(accountId))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid value for field 'accountId': '{accountId}'. Must match regex '^[a-z](?:[-a-z0-9]{{4,28}}[a-z0-9])$'.",
                "account_id");
        }
        var fields = body["serviceAccount"] as JsonObject ?? new JsonObject();
        var email = $"{accountId}@{project.ProjectId}.iam.gserviceaccount.com";
        ServiceAccountRecord account;
        lock (state.Gate)
        {
            if (state.FindServiceAccount(email) is not null)
            {
                throw GoogleApiError.AlreadyExists(
                    $"Service account {accountId} already exists within project projects/{project.ProjectId}.");
            }
            account = state.AddServiceAccount(email, project.ProjectId);
            account.DisplayName = fields["displayName"]?.GetValue<string>();
            account.Description = fields["description"]?.GetValue<string>();
            account.CreatedThroughApi = state.Clock.GetUtcNow();
        }
        await context.WriteJsonAsync(AccountJson(state, account));
    }

    private static Task List(HttpContext context, EmulatorState state)
    {
        var project = Project(context, state, "iam.serviceAccounts.list");
        var accounts = state.ServiceAccounts.Where(a => a.ProjectId == project.ProjectId).ToList();
        var body = new JsonObject();
        if (accounts.Count > 0)
        {
            body["accounts"] = new JsonArray(accounts.Select(a => (JsonNode?)AccountJson(state, a)).ToArray());
        }
        return context.WriteJsonAsync(body);
    }

    private static async Task Patch(HttpContext context, EmulatorState state)
    {
        var account = Find(context, state, "iam.serviceAccounts.update");
        var body = await context.ReadBodyAsync(PatchRequest);
        var fields = (JsonObject)body["serviceAccount"]!;
        var mask = (body["updateMask"]?.GetValue<string>() ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mask.Length == 0 || mask.Any(m => m is not ("displayName" or "display_name" or "description")))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid update mask '{string.Join(",", mask)}': only displayName and description can be updated.", "update_mask");
        }
        lock (state.Gate)
        {
            if (fields["etag"]?.GetValue<string>() is { Length: > 0 } etag && etag != Etag(account))
            {
                throw GoogleApiError.Aborted("The service account was changed concurrently; read it again and retry.");
            }
            if (mask.Contains("displayName") || mask.Contains("display_name"))
            {
                account.DisplayName = fields["displayName"]?.GetValue<string>();
            }
            if (mask.Contains("description"))
            {
                account.Description = fields["description"]?.GetValue<string>();
            }
            account.Revision++;
        }
        await context.WriteJsonAsync(AccountJson(state, account));
    }

    private static Task Delete(HttpContext context, EmulatorState state)
    {
        var account = Find(context, state, "iam.serviceAccounts.delete");
        state.RemoveServiceAccount(account.Email);
        return context.WriteJsonAsync(new JsonObject());
    }

    private static ProjectState Project(HttpContext context, EmulatorState state, string permission)
    {
        var project = state.FindProject(context.Route("project"));
        if (project is null || !state.HasPermission(context.Caller(), project, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied on resource (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
        if (permission != "iam.serviceAccounts.list")
        {
            lock (state.Gate)
            {
                CallerAccess.RequireServiceEnabled(project, ServiceName, "Identity and Access Management (IAM) API");
            }
        }
        return project;
    }

    /// <summary>The account named by email or unique id; the project segment may be <c>-</c>.</summary>
    private static ServiceAccountRecord Find(HttpContext context, EmulatorState state, string permission)
    {
        var account = state.FindServiceAccount(context.Route("account"))
            ?? throw GoogleApiError.NotFound("Unknown service account");
        if (!state.HasPermission(context.Caller(), account, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied on resource (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
        return account;
    }

    /// <summary>With <see cref="IamState.SimulatePropagationDelay"/>, a just-created account is not found yet.</summary>
    private static ServiceAccountRecord Propagated(EmulatorState state, ServiceAccountRecord account)
    {
        if (state.ApiState<IamState>().SimulatePropagationDelay && account.CreatedThroughApi is { } created
            && state.Latency.Profile == LatencySettings.Realistic
            && state.Clock.GetUtcNow() < created + state.Latency.DurationOf("iam.serviceAccounts.propagation"))
        {
            throw GoogleApiError.NotFound(
                $"Service account projects/{account.ProjectId}/serviceAccounts/{account.Email} does not exist.");
        }
        return account;
    }

    private static string Etag(ServiceAccountRecord account) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{account.UniqueId}:{account.Revision}")))[..12];

    private static JsonObject AccountJson(EmulatorState state, ServiceAccountRecord account)
    {
        lock (state.Gate)
        {
            var json = new JsonObject
            {
                ["name"] = $"projects/{account.ProjectId}/serviceAccounts/{account.Email}",
                ["projectId"] = account.ProjectId,
                ["uniqueId"] = account.UniqueId,
                ["email"] = account.Email,
            };
            if (account.DisplayName is not null)
            {
                json["displayName"] = account.DisplayName;
            }
            json["etag"] = Etag(account);
            if (account.Description is not null)
            {
                json["description"] = account.Description;
            }
            json["oauth2ClientId"] = account.UniqueId;
            if (account.Disabled)
            {
                json["disabled"] = true;
            }
            return json;
        }
    }
}
