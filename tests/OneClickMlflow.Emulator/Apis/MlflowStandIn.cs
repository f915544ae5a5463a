using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// A stand-in of the MLflow tracking REST API (2.0 paths) behind the front door: experiments create / get-by-name,
/// runs create / get / log-parameter / log-metric, and <c>/health</c>. Errors use MLflow's
/// <c>{error_code, message}</c> bodies. Like the server image, it checks IAP's signed header on every request but
/// <c>GET /health</c> against its version's IAP_AUDIENCE, when the version sets one.
/// </summary>
public static class MlflowStandIn
{
    private const string Api = "/api/2.0/mlflow/";

    public static async Task Serve(HttpContext context, EmulatorState state, MlflowTracking tracking, string path, string? iapAudience)
    {
        var method = context.Request.Method;
        if (path == "/health" && method == "GET")
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("OK", context.RequestAborted);
            return;
        }
        if (iapAudience is not null && IapSignedHeader.Refusal(state, context.Request.Headers[IapSignedHeader.Name], iapAudience) is { } refusal)
        {
            await Write(context, 401, new JsonObject
            {
                ["error_code"] = "UNAUTHENTICATED",
                ["message"] = "This server accepts only requests that come through Identity-Aware Proxy: " + refusal + ".",
            });
            return;
        }
        var gate = state.Gate;
        var route = path.StartsWith(Api, StringComparison.Ordinal) ? path[Api.Length..] : null;
        JsonObject answer;
        try
        {
            var body = method == "POST" ? await ReadBody(context) : null;
            lock (gate)
            {
                answer = (method, route) switch
                {
                    ("POST", "experiments/create") => CreateExperiment(tracking, body!),
                    ("GET", "experiments/get-by-name") => ExperimentByName(tracking, context.Request.Query["experiment_name"].ToString()),
                    ("POST", "runs/create") => CreateRun(tracking, body!),
                    ("GET", "runs/get") => RunJson(ExistingRun(tracking, context.Request.Query["run_id"].ToString())),
                    ("POST", "runs/log-parameter") => LogParameter(tracking, body!),
                    ("POST", "runs/log-metric") => LogMetric(tracking, body!),
                    _ => throw new MlflowError(404, "ENDPOINT_NOT_FOUND", $"No endpoint {method} {path}."),
                };
            }
        }
        catch (MlflowError error)
        {
            await Write(context, error.Status, new JsonObject { ["error_code"] = error.Code, ["message"] = error.Message });
            return;
        }
        await Write(context, 200, answer);
    }

    private static JsonObject CreateExperiment(MlflowTracking tracking, JsonObject body)
    {
        var name = Required(body, "name");
        if (tracking.Experiments.ContainsValue(name))
        {
            throw new MlflowError(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
        }
        var id = (tracking.NextExperimentId++).ToString();
        tracking.Experiments[id] = name;
        return new JsonObject { ["experiment_id"] = id };
    }

    private static JsonObject ExperimentByName(MlflowTracking tracking, string name)
    {
        var found = tracking.Experiments.FirstOrDefault(e => e.Value == name);
        if (found.Key is null)
        {
            throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'");
        }
        return new JsonObject
        {
            ["experiment"] = new JsonObject
            {
                ["experiment_id"] = found.Key,
                ["name"] = found.Value,
                ["artifact_location"] = $"mlflow-artifacts:/{found.Key}",
                ["lifecycle_stage"] = "active",
            },
        };
    }

    private static JsonObject CreateRun(MlflowTracking tracking, JsonObject body)
    {
        var experimentId = body["experiment_id"]?.ToString() ?? "0";
        if (!tracking.Experiments.ContainsKey(experimentId))
        {
            throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={experimentId} exists");
        }
        var run = new MlflowRun
        {
            RunId = Guid.NewGuid().ToString("N"),
            ExperimentId = experimentId,
            StartTime = body["start_time"] is JsonNode start ? long.Parse(start.ToString()) : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        tracking.Runs[run.RunId] = run;
        return RunJson(run);
    }

    private static JsonObject LogParameter(MlflowTracking tracking, JsonObject body)
    {
        var run = ExistingRun(tracking, Required(body, "run_id"));
        var key = Required(body, "key");
        var value = body["value"]?.ToString() ?? "";
        if (run.Params.TryGetValue(key, out var existing) && existing != value)
        {
            throw new MlflowError(400, "INVALID_PARAMETER_VALUE",
                $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}'.");
        }
        run.Params[key] = value;
        return new JsonObject();
    }

    private static JsonObject LogMetric(MlflowTracking tracking, JsonObject body)
    {
        var run = ExistingRun(tracking, Required(body, "run_id"));
        var key = Required(body, "key");
        if (body["value"] is not JsonValue value || !double.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            throw new MlflowError(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'value'.");
        }
        var timestamp = body["timestamp"] is JsonNode t ? long.Parse(t.ToString()) : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var step = body["step"] is JsonNode s ? long.Parse(s.ToString()) : 0;
        run.Metrics.Add((key, number, timestamp, step));
        return new JsonObject();
    }

    private static MlflowRun ExistingRun(MlflowTracking tracking, string runId) =>
        tracking.Runs.TryGetValue(runId, out var run)
            ? run
            : throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"Run '{runId}' not found");

    private static JsonObject RunJson(MlflowRun run) => new()
    {
        ["run"] = new JsonObject
        {
            ["info"] = new JsonObject
            {
                ["run_id"] = run.RunId,
                ["run_uuid"] = run.RunId,
                ["experiment_id"] = run.ExperimentId,
                ["status"] = "RUNNING",
                ["start_time"] = run.StartTime,
                ["artifact_uri"] = $"mlflow-artifacts:/{run.ExperimentId}/{run.RunId}/artifacts",
                ["lifecycle_stage"] = "active",
            },
            ["data"] = new JsonObject
            {
                ["metrics"] = new JsonArray(run.Metrics.GroupBy(m => m.Key).Select(g => g.Last()).Select(m => (JsonNode?)new JsonObject
                {
                    ["key"] = m.Key,
                    ["value"] = m.Value,
                    ["timestamp"] = m.Timestamp,
                    ["step"] = m.Step,
                }).ToArray()),
                ["params"] = new JsonArray(run.Params.Select(p => (JsonNode?)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray()),
            },
        },
    };

    private static string Required(JsonObject body, string field) =>
        body[field]?.ToString() is { Length: > 0 } value
            ? value
            : throw new MlflowError(400, "INVALID_PARAMETER_VALUE", $"Missing value for required parameter '{field}'.");

    private static async Task<JsonObject> ReadBody(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        try
        {
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            throw new MlflowError(400, "MALFORMED_REQUEST", "The request body is not valid JSON.");
        }
    }

    private static Task Write(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private sealed class MlflowError : Exception
    {
        public MlflowError(int status, string code, string message) : base(message)
        {
            Status = status;
            Code = code;
        }

        public int Status { get; }
        public string Code { get; }
    }
}
