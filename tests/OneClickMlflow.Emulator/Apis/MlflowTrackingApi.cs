using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using static OneClickMlflow.Emulator.Apis.MlflowStandIn;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>
/// MLflow's tracking REST API (<c>/api/2.0/mlflow/...</c>, also under <c>/ajax-api/2.0/mlflow/</c> as the UI calls it):
/// experiments create / get / get-by-name / search, runs create / get / update / search / log-batch / log-metric /
/// log-parameter / set-tag, metrics get-history and artifacts list. Runs are named by <c>run_id</c> or, from older
/// clients, <c>run_uuid</c>; both are answered. Messages are those of MLflow's SQLAlchemy store, which a deployment uses.
/// Search filters: none, or <c>AND</c>-joined equalities on <c>tags.</c>, <c>params.</c> and <c>attributes.status</c>/<c>run_name</c>.
/// </summary>
public static class MlflowTrackingApi
{
    private static readonly string[] Prefixes = { "/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/" };

    public static async Task<JsonObject?> Answer(HttpContext context, EmulatorState state, MlflowTracking tracking, string method, string path)
    {
        var route = Prefixes.Where(p => path.StartsWith(p, StringComparison.Ordinal)).Select(p => path[p.Length..]).FirstOrDefault();
        if (route is null)
        {
            return null;
        }
        var body = await ReadBody(context);
        string? P(string name) => Parameter(context, body, name);
        var now = state.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (state.Gate)
        {
            return (method, route) switch
            {
                ("POST", "experiments/create") => CreateExperiment(tracking, body!, now),
                ("GET", "experiments/get") => new JsonObject { ["experiment"] = ExperimentJson(Experiment(tracking, Required(P("experiment_id"), "experiment_id"))) },
                ("GET", "experiments/get-by-name") => ExperimentByName(tracking, Required(P("experiment_name"), "experiment_name")),
                ("GET" or "POST", "experiments/search") => SearchExperiments(tracking, context, body),
                ("POST", "runs/create") => CreateRun(tracking, body!, now),
                ("GET", "runs/get") => new JsonObject { ["run"] = RunJson(ExistingRun(tracking, RunId(context, body))) },
                ("POST", "runs/update") => UpdateRun(tracking, context, body!),
                ("GET" or "POST", "runs/search") => SearchRuns(tracking, context, body),
                ("POST", "runs/log-metric") => Logged(() => LogMetric(ExistingRun(tracking, RunId(context, body)), body!)),
                ("POST", "runs/log-parameter") => Logged(() => LogParameter(ExistingRun(tracking, RunId(context, body)), body!)),
                ("POST", "runs/set-tag") => Logged(() => SetTag(ExistingRun(tracking, RunId(context, body)), body!)),
                ("POST", "runs/log-batch") => Logged(() => LogBatch(ExistingRun(tracking, RunId(context, body)), body!)),
                ("GET", "metrics/get-history") => MetricHistory(ExistingRun(tracking, RunId(context, body)), Required(P("metric_key"), "metric_key")),
                ("GET", "artifacts/list") => null, // answered by MlflowArtifactsApi, which knows the bucket
                _ => null,
            };
        }
    }

    /// <summary>The run a request names: <c>run_id</c>, or <c>run_uuid</c> as older clients send it.</summary>
    public static string RunId(HttpContext context, JsonObject? body)
    {
        var id = Parameter(context, body, "run_id");
        return string.IsNullOrEmpty(id) ? Parameter(context, body, "run_uuid") ?? "" : id;
    }

    public static MlflowRun ExistingRun(MlflowTracking tracking, string runId) =>
        tracking.Runs.TryGetValue(runId, out var run)
            ? run
            : throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"Run with id={runId} not found");

    private static JsonObject Logged(Action log)
    {
        log();
        return new JsonObject();
    }

    private static JsonObject CreateExperiment(MlflowTracking tracking, JsonObject body, long now)
    {
        var name = Required(body["name"]?.ToString(), "name");
        if (tracking.ExperimentsById.Values.Any(e => e.Name == name))
        {
            throw new MlflowError(400, "RESOURCE_ALREADY_EXISTS", $"Experiment '{name}' already exists.");
        }
        var experiment = new MlflowExperiment { Id = (tracking.NextExperimentId++).ToString(CultureInfo.InvariantCulture), Name = name, CreationTime = now, LastUpdateTime = now };
        foreach (var tag in body["tags"] as JsonArray ?? new JsonArray())
        {
            experiment.Tags[Required(tag?["key"]?.ToString(), "key")] = tag?["value"]?.ToString() ?? "";
        }
        tracking.ExperimentsById[experiment.Id] = experiment;
        return new JsonObject { ["experiment_id"] = experiment.Id };
    }

    private static MlflowExperiment Experiment(MlflowTracking tracking, string id) =>
        tracking.ExperimentsById.TryGetValue(id, out var experiment)
            ? experiment
            : throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"No Experiment with id={id} exists");

    private static JsonObject ExperimentByName(MlflowTracking tracking, string name)
    {
        var found = tracking.ExperimentsById.Values.FirstOrDefault(e => e.Name == name)
            ?? throw new MlflowError(404, "RESOURCE_DOES_NOT_EXIST", $"Could not find experiment with name '{name}'");
        return new JsonObject { ["experiment"] = ExperimentJson(found) };
    }

    private static JsonObject SearchExperiments(MlflowTracking tracking, HttpContext context, JsonObject? body)
    {
        var max = Long(Parameter(context, body, "max_results"), "max_results") ?? 1000;
        var view = Parameter(context, body, "view_type") ?? "ACTIVE_ONLY";
        var filter = Parameter(context, body, "filter");
        var matching = tracking.ExperimentsById.Values
            .Where(e => view == "ALL" || (view == "DELETED_ONLY") == (e.LifecycleStage == "deleted"))
            .Where(e => string.IsNullOrEmpty(filter) || Matches(filter!, key => key switch
            {
                "name" or "attributes.name" => e.Name,
                _ when key.StartsWith("tags.", StringComparison.Ordinal) => e.Tags.GetValueOrDefault(Unquote(key[5..])),
                _ => throw Unsupported(filter!),
            }))
            // SqlAlchemyStore's default order: newest first, then id.
            .OrderByDescending(e => e.CreationTime).ThenBy(e => e.Id, StringComparer.Ordinal);
        return Page(context, body, matching.Select(e => (JsonNode?)ExperimentJson(e)), (int)max, "experiments");
    }

    private static JsonObject CreateRun(MlflowTracking tracking, JsonObject body, long now)
    {
        var experimentId = body["experiment_id"]?.ToString() ?? "0";
        var experiment = Experiment(tracking, experimentId);
        if (experiment.LifecycleStage != "active")
        {
            throw new MlflowError(400, "INVALID_STATE", $"The experiment {experimentId} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
        }
        var run = new MlflowRun
        {
            RunId = Guid.NewGuid().ToString("N"),
            ExperimentId = experimentId,
            StartTime = Long(body["start_time"]?.ToString(), "start_time") ?? now,
            UserId = body["user_id"]?.ToString() ?? "",
        };
        foreach (var tag in body["tags"] as JsonArray ?? new JsonArray())
        {
            run.Tags[Required(tag?["key"]?.ToString(), "key")] = tag?["value"]?.ToString() ?? "";
        }
        // The store names an unnamed run, and records the name as the mlflow.runName tag.
        run.RunName = body["run_name"]?.ToString() is { Length: > 0 } name ? name
            : run.Tags.GetValueOrDefault("mlflow.runName") ?? "run-" + run.RunId[..8];
        run.Tags["mlflow.runName"] = run.RunName;
        tracking.Runs[run.RunId] = run;
        return new JsonObject { ["run"] = RunJson(run) };
    }

    private static JsonObject UpdateRun(MlflowTracking tracking, HttpContext context, JsonObject body)
    {
        var run = ExistingRun(tracking, RunId(context, body));
        if (body["status"]?.ToString() is { Length: > 0 } status)
        {
            if (status is not ("RUNNING" or "SCHEDULED" or "FINISHED" or "FAILED" or "KILLED"))
            {
                throw MlflowError.InvalidParameter($"Invalid value \"{status}\" for parameter 'status' supplied.");
            }
            run.Status = status;
        }
        if (Long(body["end_time"]?.ToString(), "end_time") is { } end)
        {
            run.EndTime = end;
        }
        if (body["run_name"]?.ToString() is { Length: > 0 } name)
        {
            run.RunName = name;
            run.Tags["mlflow.runName"] = name;
        }
        return new JsonObject { ["run_info"] = RunInfo(run) };
    }

    private static JsonObject SearchRuns(MlflowTracking tracking, HttpContext context, JsonObject? body)
    {
        var ids = body?["experiment_ids"] is JsonArray array ? array.Select(i => i!.ToString()).ToHashSet()
            : context.Request.Query["experiment_ids"].Select(i => i ?? "").ToHashSet();
        var view = Parameter(context, body, "run_view_type") ?? "ACTIVE_ONLY";
        var max = Long(Parameter(context, body, "max_results"), "max_results") ?? 1000;
        if (max > 50000)
        {
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be at most 50000, but got value {max}");
        }
        var filter = Parameter(context, body, "filter");
        var runs = tracking.Runs.Values
            .Where(r => ids.Contains(r.ExperimentId))
            .Where(r => view == "ALL" || (view == "DELETED_ONLY") == (r.LifecycleStage == "deleted"))
            .Where(r => string.IsNullOrEmpty(filter) || Matches(filter!, key => key switch
            {
                "attributes.status" or "status" => r.Status,
                "attributes.run_name" or "run_name" => r.RunName,
                "attributes.run_id" or "run_id" => r.RunId,
                _ when key.StartsWith("tags.", StringComparison.Ordinal) => r.Tags.GetValueOrDefault(Unquote(key[5..])),
                _ when key.StartsWith("params.", StringComparison.Ordinal) => r.Params.GetValueOrDefault(Unquote(key[7..])),
                _ => throw Unsupported(filter!),
            }))
            // MLflow's default order: newest start time first, then run id.
            .OrderByDescending(r => r.StartTime).ThenBy(r => r.RunId, StringComparer.Ordinal);
        return Page(context, body, runs.Select(r => (JsonNode?)RunJson(r)), (int)max, "runs");
    }

    private static void LogMetric(MlflowRun run, JsonObject body)
    {
        RequireActive(run);
        var key = Required(body["key"]?.ToString(), "key");
        if (body["value"] is not JsonValue value || !double.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw MlflowError.Missing("value");
        }
        var timestamp = Long(Required(body["timestamp"]?.ToString(), "timestamp"), "timestamp")!.Value;
        run.Metrics.Add((key, number, timestamp, Long(body["step"]?.ToString(), "step") ?? 0));
    }

    private static void LogParameter(MlflowRun run, JsonObject body)
    {
        RequireActive(run);
        var key = Required(body["key"]?.ToString(), "key");
        var value = body["value"]?.ToString() ?? "";
        if (run.Params.TryGetValue(key, out var existing) && existing != value)
        {
            throw MlflowError.InvalidParameter(
                $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{existing}' for run ID='{run.RunId}'. " +
                $"Attempted logging new value '{value}'.");
        }
        run.Params[key] = value;
    }

    private static void SetTag(MlflowRun run, JsonObject body)
    {
        RequireActive(run);
        var key = Required(body["key"]?.ToString(), "key");
        run.Tags[key] = body["value"]?.ToString() ?? "";
        if (key == "mlflow.runName")
        {
            run.RunName = run.Tags[key];
        }
    }

    private static void LogBatch(MlflowRun run, JsonObject body)
    {
        var metrics = body["metrics"] as JsonArray ?? new JsonArray();
        var parameters = body["params"] as JsonArray ?? new JsonArray();
        var tags = body["tags"] as JsonArray ?? new JsonArray();
        // mlflow.utils.validation: at most 1000 metrics, 100 params and 100 tags, 1000 items in all.
        if (metrics.Count > 1000 || parameters.Count > 100 || tags.Count > 100 || metrics.Count + parameters.Count + tags.Count > 1000)
        {
            throw MlflowError.InvalidParameter(
                $"A batch logging request can contain at most 1000 metrics, 100 params, 100 tags and 1000 items in total; got {metrics.Count} metrics, " +
                $"{parameters.Count} params and {tags.Count} tags.");
        }
        foreach (var parameter in parameters)
        {
            LogParameter(run, (JsonObject)parameter!);
        }
        foreach (var metric in metrics)
        {
            LogMetric(run, (JsonObject)metric!);
        }
        foreach (var tag in tags)
        {
            SetTag(run, (JsonObject)tag!);
        }
    }

    private static JsonObject MetricHistory(MlflowRun run, string key) => new()
    {
        ["metrics"] = new JsonArray(run.Metrics.Where(m => m.Key == key).Select(m => (JsonNode?)MetricJson(m)).ToArray()),
    };

    private static void RequireActive(MlflowRun run)
    {
        if (run.LifecycleStage != "active")
        {
            throw new MlflowError(400, "INVALID_STATE", $"The run {run.RunId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
        }
    }

    public static JsonObject RunInfo(MlflowRun run)
    {
        var info = new JsonObject
        {
            ["run_id"] = run.RunId,
            ["run_uuid"] = run.RunId,
            ["run_name"] = run.RunName,
            ["experiment_id"] = run.ExperimentId,
            ["user_id"] = run.UserId,
            ["status"] = run.Status,
            ["start_time"] = run.StartTime,
            ["artifact_uri"] = ArtifactUri(run),
            ["lifecycle_stage"] = run.LifecycleStage,
        };
        if (run.EndTime is { } end)
        {
            info["end_time"] = end;
        }
        return info;
    }

    /// <summary>A proxied run's artifact root: the server resolves it under its artifacts destination.</summary>
    public static string ArtifactUri(MlflowRun run) => $"mlflow-artifacts:/{run.ExperimentId}/{run.RunId}/artifacts";

    private static JsonObject RunJson(MlflowRun run)
    {
        // Proto3 JSON leaves empty lists out, as MLflow's message_to_json does.
        var data = new JsonObject();
        var latest = run.Metrics.GroupBy(m => m.Key).Select(g => g.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).Last()).ToList();
        if (latest.Count > 0)
        {
            data["metrics"] = new JsonArray(latest.Select(m => (JsonNode?)MetricJson(m)).ToArray());
        }
        if (run.Params.Count > 0)
        {
            data["params"] = KeyValues(run.Params);
        }
        if (run.Tags.Count > 0)
        {
            data["tags"] = KeyValues(run.Tags);
        }
        return new JsonObject { ["info"] = RunInfo(run), ["data"] = data, ["inputs"] = new JsonObject() };
    }

    private static JsonObject ExperimentJson(MlflowExperiment experiment)
    {
        var json = new JsonObject
        {
            ["experiment_id"] = experiment.Id,
            ["name"] = experiment.Name,
            ["artifact_location"] = $"mlflow-artifacts:/{experiment.Id}",
            ["lifecycle_stage"] = experiment.LifecycleStage,
            ["last_update_time"] = experiment.LastUpdateTime,
            ["creation_time"] = experiment.CreationTime,
        };
        if (experiment.Tags.Count > 0)
        {
            json["tags"] = KeyValues(experiment.Tags);
        }
        return json;
    }

    private static JsonObject MetricJson((string Key, double Value, long Timestamp, long Step) m) => new()
    {
        ["key"] = m.Key,
        ["value"] = m.Value,
        ["timestamp"] = m.Timestamp,
        ["step"] = m.Step,
    };

    private static JsonArray KeyValues(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.Select(p => (JsonNode?)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray());

    /// <summary>One page and, when more remain, the offset of the next as its token.</summary>
    private static JsonObject Page(HttpContext context, JsonObject? body, IEnumerable<JsonNode?> items, int max, string field)
    {
        var token = Parameter(context, body, "page_token");
        var offset = string.IsNullOrEmpty(token) ? 0 : int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw MlflowError.InvalidParameter("Invalid page token, could not base64-decode");
        var all = items.ToList();
        var page = all.Skip(offset).Take(max).ToArray();
        var answer = new JsonObject();
        if (page.Length > 0)
        {
            answer[field] = new JsonArray(page);
        }
        if (offset + max < all.Count)
        {
            answer["next_page_token"] = (offset + max).ToString(CultureInfo.InvariantCulture);
        }
        return answer;
    }

    /// <summary>Whether every <c>key = 'value'</c> clause of an AND-joined filter holds.</summary>
    private static bool Matches(string filter, Func<string, string?> lookup)
    {
        foreach (var clause in System.Text.RegularExpressions.Regex.Split(filter, @"\s+(?i:and)\s+"))
        {
            var match = System.Text.RegularExpressions.Regex.Match(clause.Trim(), @"^(?<key>[\w.`""-]+)\s*(?<op>=|!=)\s*(?<quote>['""])(?<value>.*)\k<quote>$");
            if (!match.Success)
            {
                throw Unsupported(filter);
            }
            var equal = lookup(match.Groups["key"].Value) == match.Groups["value"].Value;
            if (equal != (match.Groups["op"].Value == "="))
            {
                return false;
            }
        }
        return true;
    }

    private static string Unquote(string key) => key.Trim('`', '"');

    private static MlflowError Unsupported(string filter) => MlflowError.InvalidParameter(
        $"The emulator's MLflow stand-in evaluates only AND-joined equalities on tags, params, status and run name; got filter '{filter}'.");

    private static string Required(string? value, string field) => string.IsNullOrEmpty(value) ? throw MlflowError.Missing(field) : value!;
}
