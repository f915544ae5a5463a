using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>The checks every Cloud SQL Admin call makes: the project, the API enabled, the permission, the instance.</summary>
public static class CloudSqlAccess
{
    public const string Service = "sqladmin.googleapis.com";

    /// <summary>The project of the route, when it exists, the caller holds <paramref name="permission"/> and the API is enabled.</summary>
    public static ProjectState Project(HttpContext context, EmulatorState state, string permission)
    {
        var project = state.FindProject(context.Route("project"));
        if (project is null || !state.HasPermission(context.Caller(), project, permission))
        {
            throw CloudSqlErrors.NotAuthorized();
        }
        lock (state.Gate)
        {
            CallerAccess.RequireServiceEnabled(project, Service, "Cloud SQL Admin API");
        }
        return project;
    }

    /// <summary>The instance of the route (404 instanceDoesNotExist when it is not there).</summary>
    public static SqlInstance Instance(HttpContext context, EmulatorState state, string permission) =>
        Find(state, Project(context, state, permission), context.Route("instance")) ?? throw CloudSqlErrors.InstanceMissing();

    public static SqlInstance? Find(EmulatorState state, ProjectState project, string name)
    {
        lock (state.Gate)
        {
            return state.ApiState<CloudSqlState>().Instances.GetValueOrDefault((project.ProjectId, name));
        }
    }

    /// <summary>Changes wait for the instance's running operation (409) and need it RUNNABLE.</summary>
    public static void RequireIdle(EmulatorState state, SqlInstance instance)
    {
        lock (state.Gate)
        {
            if (instance.BusyWith is not null)
            {
                throw CloudSqlErrors.InProgress();
            }
            if (instance.State != "RUNNABLE")
            {
                throw CloudSqlErrors.NotRunnable();
            }
        }
    }
}
