using System;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// Compute's global and regional operations (<c>compute#operation</c>) on the shared operation store: every
/// mutation starts one, a repeated <c>requestId</c> returns the first one, and the view shows PENDING/RUNNING/DONE.
/// </summary>
public static class ComputeOperations
{
    /// <summary>The operation store's key for a global operation, or a regional one when <paramref name="region"/> is given.</summary>
    public static string StoreName(string project, string operation, string? region = null) => region is null
        ? $"compute/projects/{project}/global/operations/{operation}"
        : $"compute/projects/{project}/regions/{region}/operations/{operation}";

    /// <summary>
    /// Starts a mutation (or returns the earlier one for the same requestId). <paramref name="apply"/> runs under
    /// the state lock when the operation completes; a <see cref="GoogleApiError"/> it throws becomes the
    /// operation's error.
    /// </summary>
    public static EmulatedOperation Start(
        HttpContext context, EmulatorState state, string project, string kind, string operationType,
        string targetLink, ulong targetId, Action apply, string? region = null)
    {
        var compute = state.ApiState<ComputeState>();
        var requestId = context.Query("requestId");
        if (requestId is not null && (!Guid.TryParse(requestId, out var parsed) || parsed == Guid.Empty))
        {
            throw ComputeErrors.InvalidField("requestId", requestId,
                "The request ID must be a valid UUID with the exception that zero UUID is not supported " +
                "(00000000-0000-0000-0000-000000000000).");
        }
        lock (state.Gate)
        {
            if (requestId is not null && compute.OperationsByRequestId.TryGetValue((project, requestId), out var earlier))
            {
                return state.Operations.Find(earlier)!;
            }
        }
        var now = state.Clock.GetUtcNow();
        var name = $"operation-{now.ToUnixTimeMilliseconds()}-{Guid.NewGuid():N}"[..46];
        var storeName = StoreName(project, name, region);
        lock (state.Gate)
        {
            if (requestId is not null)
            {
                compute.OperationsByRequestId[(project, requestId)] = storeName;
            }
        }
        var operation = state.Operations.Start(storeName, kind, () =>
        {
            apply();
            return null;
        });
        lock (state.Gate)
        {
            var attributes = operation.Attributes;
            attributes["id"] = compute.NewId().ToString(CultureInfo.InvariantCulture);
            attributes["name"] = name;
            attributes["operationType"] = operationType;
            attributes["targetLink"] = targetLink;
            attributes["targetId"] = targetId.ToString(CultureInfo.InvariantCulture);
            attributes["user"] = context.Caller()?.Id ?? "anonymous";
            attributes["insertTime"] = ComputeLinks.Timestamp(now);
            attributes["selfLink"] = region is null
                ? ComputeLinks.Global(state, project, "operations", name)
                : ComputeLinks.Regional(state, project, region, "operations", name);
            if (region is not null)
            {
                attributes["region"] = $"{ComputeLinks.Base(state)}projects/{project}/regions/{region}";
            }
        }
        return operation;
    }

    /// <summary>The compute#operation view at this moment.</summary>
    public static JsonObject ToJson(EmulatorState state, EmulatedOperation operation) =>
        state.Operations.Render(operation, o =>
        {
            var json = (JsonObject)o.Attributes.DeepClone();
            var phase = o.PhaseAt(state.Clock.GetUtcNow());
            json["kind"] = "compute#operation";
            json["status"] = phase.ToString().ToUpperInvariant();
            json["progress"] = phase == OperationPhase.Done ? 100 : 0;
            if (phase != OperationPhase.Pending)
            {
                json["startTime"] = ComputeLinks.Timestamp(o.StartTime);
            }
            if (phase == OperationPhase.Done)
            {
                json["endTime"] = ComputeLinks.Timestamp(o.DoneTime);
            }
            if (o.Error is { } error)
            {
                json["error"] = new JsonObject
                {
                    ["errors"] = new JsonArray(new JsonObject
                    {
                        ["code"] = ComputeErrors.OperationCode(error),
                        ["message"] = error.Message,
                    }),
                };
                json["httpErrorStatusCode"] = error.Code;
                json["httpErrorMessage"] = ReasonPhrase(error.Code);
            }
            return json;
        });

    private static string ReasonPhrase(int code) => code switch
    {
        400 => "BAD REQUEST",
        403 => "FORBIDDEN",
        404 => "NOT FOUND",
        409 => "CONFLICT",
        412 => "PRECONDITION FAILED",
        _ => "INTERNAL SERVER ERROR",
    };
}

/// <summary>Compute's links and timestamps. SelfLinks use the emulator's own base URL, as gcloud's override expects.</summary>
public static class ComputeLinks
{
    public static string Base(EmulatorState state) =>
        new Uri(state.BaseUri ?? new Uri("http://127.0.0.1/"), "compute/compute/v1/").ToString();

    public static string Global(EmulatorState state, string project, string collection, string name) =>
        $"{Base(state)}projects/{project}/global/{collection}/{name}";

    public static string Relative(string project, string collection, string name) => $"projects/{project}/global/{collection}/{name}";

    public static string Regional(EmulatorState state, string project, string region, string collection, string name) =>
        $"{Base(state)}{RegionalRelative(project, region, collection, name)}";

    public static string RegionalRelative(string project, string region, string collection, string name) =>
        $"projects/{project}/regions/{region}/{collection}/{name}";

    /// <summary>Compute's RFC 3339 timestamps in Pacific time, as Google shows them.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToOffset(TimeSpan.FromHours(-8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
