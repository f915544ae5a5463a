using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Auth;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>The authenticated caller of a request and the permission checks handlers make.</summary>
public static class CallerAccess
{
    private const string CallerKey = "emulator.caller";

    public static void SetCaller(this HttpContext context, Principal? caller) => context.Items[CallerKey] = caller;

    /// <summary>The caller, or null for the anonymous caller allowed by AllowUnauthenticated.</summary>
    public static Principal? Caller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var value) ? value as Principal : null;

    /// <summary>Throws 403 PERMISSION_DENIED unless the caller holds <paramref name="permission"/> on the project.</summary>
    public static void RequirePermission(
        this HttpContext context, EmulatorState state, ProjectState project, string permission, string? message = null)
    {
        if (!state.HasPermission(context.Caller(), project, permission))
        {
            throw GoogleApiError.PermissionDenied(
                message ?? $"Permission '{permission}' denied on resource 'projects/{project.ProjectId}' (or it may not exist).",
                "IAM_PERMISSION_DENIED");
        }
    }

    /// <summary>
    /// Throws 403 SERVICE_DISABLED when the API is not enabled on the project, as Google does for every API
    /// but Service Usage and Resource Manager.
    /// </summary>
    public static void RequireServiceEnabled(ProjectState project, string serviceName, string title)
    {
        if (!project.EnabledServices.Contains(serviceName))
        {
            throw GoogleApiError.PermissionDenied(
                $"{title} has not been used in project {project.ProjectNumber} before or it is disabled. Enable it by " +
                $"visiting https://console.developers.google.com/apis/api/{serviceName}/overview?project={project.ProjectNumber} " +
                "then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our " +
                "systems and retry.",
                "SERVICE_DISABLED");
        }
    }
}
