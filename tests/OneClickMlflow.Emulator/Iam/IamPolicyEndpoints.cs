using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Iam;

/// <summary>getIamPolicy / setIamPolicy / testIamPermissions over any <see cref="IamPolicy"/>, shared by APIs.</summary>
public static partial class IamPolicyEndpoints
{
    public static async Task GetAsync(HttpContext context, EmulatorState state, IamPolicy policy)
    {
        var body = await context.ReadBodyAsync(IamSchemas.GetIamPolicyRequest);
        var requested = body["options"]?["requestedPolicyVersion"]?.ToString();
        if (requested is not null and not ("0" or "1" or "3"))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid requested_policy_version: {requested}. Valid values are 0, 1 and 3.",
                "options.requested_policy_version");
        }
        JsonObject json;
        lock (state.Gate)
        {
            json = policy.ToJson();
        }
        await context.WriteJsonAsync(json);
    }

    /// <summary>
    /// getIamPolicy whose request has no body: the requested version comes as the <c>options.requestedPolicyVersion</c>
    /// query parameter (Secret Manager's and Artifact Registry's GET, IAM's service account POST: the generated
    /// clients' request_field is empty). A body with any field is refused as Google refuses an unknown name.
    /// </summary>
    public static async Task GetByQueryAsync(HttpContext context, EmulatorState state, IamPolicy policy)
    {
        await context.ReadBodyAsync(NoBody);
        var requested = context.Query("options.requestedPolicyVersion");
        if (requested is not null and not ("0" or "1" or "3"))
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid requested_policy_version: {requested}. Valid values are 0, 1 and 3.", "options.requested_policy_version");
        }
        JsonObject json;
        lock (state.Gate)
        {
            json = policy.ToJson();
        }
        await context.WriteJsonAsync(json);
    }

    private static readonly MessageSchema NoBody = new("(no request body)");

    public static async Task SetAsync(HttpContext context, EmulatorState state, IamPolicy policy)
    {
        var body = await context.ReadBodyAsync(IamSchemas.SetIamPolicyRequest);
        var newPolicy = (JsonObject)(body["policy"] ?? new JsonObject());
        var updateMask = body["updateMask"]?.GetValue<string>();
        JsonObject json;
        lock (state.Gate)
        {
            policy.Replace(newPolicy, updateMask);
            json = policy.ToJson();
        }
        await context.WriteJsonAsync(json);
    }

    /// <summary>Answers the subset of the asked permissions that <paramref name="holds"/> says the caller has.</summary>
    public static async Task TestAsync(HttpContext context, Func<string, bool> holds)
    {
        var body = await context.ReadBodyAsync(IamSchemas.TestIamPermissionsRequest);
        var asked = (body["permissions"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToList() ?? new();
        foreach (var permission in asked.Where(p => !PermissionPattern().IsMatch(p)))
        {
            throw GoogleApiError.InvalidArgument($"Permission {permission} is not valid.", "permissions");
        }
        var held = asked.Where(holds).Distinct().ToList();
        var json = new JsonObject();
        if (held.Count > 0)
        {
            json["permissions"] = new JsonArray(held.Select(p => (JsonNode?)p).ToArray());
        }
        await context.WriteJsonAsync(json);
    }

    [GeneratedRegex(@"^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9]+){2,3}$")]
    private static partial Regex PermissionPattern();
}
