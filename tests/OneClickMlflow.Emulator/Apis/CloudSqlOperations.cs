using System;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>sql#operation: started on the shared operation store, rendered with Cloud SQL's fields.</summary>
public static class CloudSqlOperations
{
    /// <summary>
    /// Starts an operation on an instance, or answers 409 operationInProgress while another one runs. The instance
    /// is busy until it completes; the completion applies the change (or throws a <see cref="GoogleApiError"/> that becomes the operation's <c>error</c>).
    /// </summary>
    public static EmulatedOperation Start(
        HttpContext context, EmulatorState state, SqlInstance instance, string operationType, string kind, Func<JsonNode?> complete)
    {
        var name = Guid.NewGuid().ToString();
        lock (state.Gate)
        {
            if (instance.BusyWith is not null)
            {
                throw CloudSqlErrors.InProgress();
            }
            instance.BusyWith = name;
        }
        var operation = state.Operations.Start(name, kind, () =>
        {
            try
            {
                return complete();
            }
            finally
            {
                if (instance.BusyWith == name)
                {
                    instance.BusyWith = null;
                }
            }
        });
        lock (state.Gate)
        {
            operation.Attributes["operationType"] = operationType;
            operation.Attributes["targetId"] = instance.Name;
            operation.Attributes["targetProject"] = instance.ProjectId;
            operation.Attributes["user"] = context.Caller()?.Id ?? "anonymous";
        }
        return operation;
    }

    public static Task WriteAsync(HttpContext context, EmulatorState state, EmulatedOperation operation) =>
        context.WriteJsonAsync(state.Operations.Render(operation, o => Json(o, ApiBase(context, state), state.Clock.GetUtcNow())));

    public static Task GetAsync(HttpContext context, EmulatorState state, ProjectState project)
    {
        var operation = state.Operations.Find(context.Route("operation"));
        if (operation is null || operation.Attributes["targetProject"]?.GetValue<string>() != project.ProjectId)
        {
            throw CloudSqlErrors.Create(404, "NOT_FOUND", "operationDoesNotExist", "The Cloud SQL operation does not exist.");
        }
        return WriteAsync(context, state, operation);
    }

    public static Task ListAsync(HttpContext context, EmulatorState state, ProjectState project)
    {
        var instance = context.Query("instance");
        var apiBase = ApiBase(context, state);
        var now = state.Clock.GetUtcNow();
        var operations = state.Operations.All()
            .Where(o => o.Attributes["targetProject"]?.GetValue<string>() == project.ProjectId)
            .Where(o => instance is null || o.Attributes["targetId"]?.GetValue<string>() == instance)
            .OrderByDescending(o => o.StartTime)
            .ToList();
        var body = new JsonObject { ["kind"] = "sql#operationsList" };
        if (operations.Count > 0)
        {
            body["items"] = new JsonArray(operations
                .Select(o => (JsonNode?)state.Operations.Render(o, op => Json(op, apiBase, now))).ToArray());
        }
        return context.WriteJsonAsync(body);
    }

    /// <summary>Links point back at this emulator, under the API version the request used.</summary>
    public static string ApiBase(HttpContext context, EmulatorState state)
    {
        var version = context.Request.Path.StartsWithSegments("/sql/v1") ? "sql/v1/" : "sql/sql/v1beta4/";
        return new Uri(state.BaseUri ?? new Uri("http://127.0.0.1/"), version).ToString();
    }

    private static JsonObject Json(EmulatedOperation operation, string apiBase, DateTimeOffset now)
    {
        var project = operation.Attributes["targetProject"]!.GetValue<string>();
        var target = operation.Attributes["targetId"]!.GetValue<string>();
        var phase = operation.PhaseAt(now);
        var json = new JsonObject
        {
            ["kind"] = "sql#operation",
            ["targetLink"] = $"{apiBase}projects/{project}/instances/{target}",
            ["status"] = phase.ToString().ToUpperInvariant(),
            ["user"] = operation.Attributes["user"]?.DeepClone(),
            ["insertTime"] = Timestamp(operation.StartTime),
        };
        if (phase != OperationPhase.Pending)
        {
            json["startTime"] = Timestamp(operation.StartTime + (operation.DoneTime - operation.StartTime) / 10);
        }
        if (phase == OperationPhase.Done)
        {
            json["endTime"] = Timestamp(operation.DoneTime < now ? operation.DoneTime : now);
        }
        if (operation.Error is { } error)
        {
            var reason = error.LegacyErrors?[0]?["reason"]?.GetValue<string>() ?? error.Status;
            json["error"] = new JsonObject
            {
                ["kind"] = "sql#operationErrors",
                ["errors"] = new JsonArray(new JsonObject
                {
                    ["kind"] = "sql#operationError",
                    ["code"] = reason,
                    ["message"] = error.Message,
                }),
            };
        }
        json["operationType"] = operation.Attributes["operationType"]!.DeepClone();
        json["name"] = operation.Name;
        json["targetId"] = target;
        json["selfLink"] = $"{apiBase}projects/{project}/operations/{operation.Name}";
        json["targetProject"] = project;
        return json;
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}

/// <summary>Cloud SQL's error bodies: the message with the legacy <c>errors[{reason}]</c> list.</summary>
public static class CloudSqlErrors
{
    public static GoogleApiError Create(int code, string status, string reason, string message) =>
        LegacyError.Create(code, status, reason, message);

    public static GoogleApiError Invalid(string message) =>
        Create(400, "INVALID_ARGUMENT", "invalid", "Invalid request: " + message);

    public static GoogleApiError NotAuthorized() =>
        Create(403, "PERMISSION_DENIED", "notAuthorized", "The client is not authorized to make this request.");

    public static GoogleApiError InstanceMissing() =>
        Create(404, "NOT_FOUND", "instanceDoesNotExist", "The Cloud SQL instance does not exist.");

    public static GoogleApiError InProgress() =>
        Create(409, "CONFLICT", "operationInProgress", "Operation failed because another operation was already in progress.");

    public static GoogleApiError NotRunnable() =>
        Create(400, "FAILED_PRECONDITION", "invalidState",
            "The instance or operation is not in an appropriate state to handle the request.");
}
