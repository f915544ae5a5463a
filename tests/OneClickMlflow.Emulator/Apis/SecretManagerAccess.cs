using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OneClickMlflow.Emulator.Infrastructure;
using static OneClickMlflow.Emulator.Apis.SecretManagerViews;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Who may do what on Secret Manager: the project (the API enabled), and a permission held on the project or
/// through the secret's own policy.
/// </summary>
public static class SecretManagerAccess
{
    public static ProjectState Project(HttpContext context, EmulatorState state)
    {
        var id = context.Route("project");
        var project = state.FindProject(id) ?? throw GoogleApiError.PermissionDenied(
            $"Permission denied on resource project {id}.", "CONSUMER_INVALID");
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, SecretManagerApi.Service, "Secret Manager API");
        }
        return project;
    }

    /// <summary>
    /// The project and secret of the route, when the caller holds <paramref name="permission"/> on the project or
    /// on the secret (403 before 404, so a caller without access learns nothing).
    /// </summary>
    public static (ProjectState Project, SecretRecord Secret) Authorized(HttpContext context, EmulatorState state, string? permission)
    {
        var project = Project(context, state);
        var secretId = context.Route("secret");
        SecretRecord? secret;
        lock (state.Gate)
        {
            secret = state.ApiState<SecretManagerState>().Secrets.GetValueOrDefault((project.ProjectId, secretId));
        }
        var resource = SecretName(project, secretId);
        if (context.GetRouteValue("version") is string version)
        {
            resource += "/versions/" + version;
        }
        if (permission is not null)
        {
            Require(context, state, project, secret, permission, resource);
        }
        return (project, secret ?? throw GoogleApiError.NotFound($"Secret [{SecretName(project, secretId)}] not found."));
    }

    public static void Require(HttpContext context, EmulatorState state, ProjectState project, SecretRecord? secret, string permission, string resource)
    {
        if (!Holds(context, state, project, secret, permission))
        {
            throw GoogleApiError.PermissionDenied(
                $"Permission '{permission}' denied for resource '{resource}' (or it may not exist).", "IAM_PERMISSION_DENIED");
        }
    }

    public static bool Holds(HttpContext context, EmulatorState state, ProjectState project, SecretRecord? secret, string permission)
    {
        var caller = context.Caller();
        if (state.HasPermission(caller, project, permission))
        {
            return true;
        }
        lock (state.Gate)
        {
            return caller is not null && secret is not null && secret.Policy.Grants(caller.Member, permission);
        }
    }

    /// <summary>
    /// A stale etag is 400 FAILED_PRECONDITION ("Use entity tags for optimistic concurrency control",
    /// https://cloud.google.com/secret-manager/docs/etags); without one the request proceeds.
    /// </summary>
    public static void CheckEtag(string? sent, string current)
    {
        if (!string.IsNullOrEmpty(sent) && sent != current)
        {
            throw GoogleApiError.FailedPrecondition("The etag provided in the request does not match the current etag of the resource.");
        }
    }
}
