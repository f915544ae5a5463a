using System.Collections.Generic;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud Storage's access checks and errors: the project of a request, the bucket of a route, who may do what.</summary>
public static class StorageAccess
{
    /// <summary>The <c>project</c> query parameter (id or number), with Cloud Storage enabled and the permission held.</summary>
    internal static ProjectState RequestProject(HttpContext context, EmulatorState state, string permission)
    {
        var id = context.Query("project");
        if (string.IsNullOrEmpty(id))
        {
            throw Invalid("required", "Required parameter: project", 400);
        }
        var project = state.FindProject(id) ?? throw Invalid("invalid", $"Unknown project id: {id}", 400);
        if (!state.HasPermission(context.Caller(), project, permission))
        {
            throw Invalid("forbidden",
                $"{CallerName(context)} does not have {permission} access to the Google Cloud project. Permission " +
                $"'{permission}' denied on resource (or it may not exist).", 403);
        }
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, StorageApi.ServiceName, "Cloud Storage API");
        }
        return project;
    }

    /// <summary>The bucket of the route, when it exists and the caller holds the permission on it or its project.</summary>
    internal static StorageBucket Bucket(HttpContext context, EmulatorState state, string? permission)
    {
        var name = context.Route("bucket");
        StorageBucket? bucket;
        lock (state.Gate)
        {
            bucket = state.ApiState<StorageState>().Buckets.GetValueOrDefault(name);
        }
        if (bucket is null)
        {
            throw Invalid("notFound", "The specified bucket does not exist.", 404);
        }
        if (permission is not null && !Holds(context, state, bucket, permission))
        {
            throw Invalid("forbidden",
                $"{CallerName(context)} does not have {permission} access to the Google Cloud Storage bucket. " +
                $"Permission '{permission}' denied on resource (or it may not exist).", 403);
        }
        return bucket;
    }

    internal static bool Holds(HttpContext context, EmulatorState state, StorageBucket bucket, string permission)
    {
        var caller = context.Caller();
        if (caller is null)
        {
            return state.AllowUnauthenticated;
        }
        lock (state.Gate)
        {
            if (bucket.Policy.Grants(caller.Member, permission))
            {
                return true;
            }
        }
        var project = state.FindProject(bucket.ProjectId);
        return project is not null && state.HasPermission(caller, project, permission);
    }

    internal static void RequireMetageneration(HttpContext context, EmulatorState state, StorageBucket bucket)
    {
        var expected = context.Query("ifMetagenerationMatch");
        lock (state.Gate)
        {
            if (expected is not null && expected != bucket.Metageneration.ToString(CultureInfo.InvariantCulture))
            {
                throw Invalid("conditionNotMet", "At least one of the pre-conditions you specified did not hold.", 412);
            }
        }
    }

    /// <summary>
    /// <c>ifGenerationMatch</c> on an object request: the live generation must be that number (0: no live object),
    /// else 412 conditionNotMet. Call under the state's gate, with the object as it is now.
    /// </summary>
    internal static void RequireGeneration(HttpContext context, StorageObject? live)
    {
        var expected = context.Query("ifGenerationMatch");
        if (expected is null)
        {
            return;
        }
        var actual = live?.Generation.ToString(CultureInfo.InvariantCulture) ?? "0";
        if (expected != actual)
        {
            throw Invalid("conditionNotMet", "At least one of the pre-conditions you specified did not hold.", 412);
        }
    }

    internal static string CallerName(HttpContext context) => context.Caller()?.Id ?? "Anonymous caller";

    internal static GoogleApiError Invalid(string reason, string message, int code) =>
        LegacyError.Create(code, code switch
        {
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            409 => "ALREADY_EXISTS",
            412 => "FAILED_PRECONDITION",
            _ => "INVALID_ARGUMENT",
        }, reason, message);
}
