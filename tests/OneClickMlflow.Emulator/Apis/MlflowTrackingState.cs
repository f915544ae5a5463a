using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>A run of the MLflow stand-in: its info, parameters, tags and metric history.</summary>
public sealed class MlflowRun
{
    public required string RunId { get; init; }
    public required string ExperimentId { get; init; }
    public required long StartTime { get; init; }
    public string RunName { get; set; } = "";
    public string UserId { get; set; } = "";
    public string Status { get; set; } = "RUNNING";
    public long? EndTime { get; set; }
    public string LifecycleStage { get; set; } = "active";
    public SortedDictionary<string, string> Params { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    public List<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = new();
}

/// <summary>An experiment of the MLflow stand-in.</summary>
public sealed class MlflowExperiment
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required long CreationTime { get; init; }
    public long LastUpdateTime { get; set; }
    public string LifecycleStage { get; set; } = "active";
    public SortedDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
}

/// <summary>What one deployed app's MLflow tracking server holds. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class MlflowTracking
{
    public MlflowTracking()
    {
        ExperimentsById["0"] = new MlflowExperiment { Id = "0", Name = "Default", CreationTime = 0 };
    }

    /// <summary>Experiments by id; the Default experiment (id 0) exists from the start, as in MLflow.</summary>
    public SortedDictionary<string, MlflowExperiment> ExperimentsById { get; } = new(StringComparer.Ordinal);

    /// <summary>Experiment names by id.</summary>
    public IReadOnlyDictionary<string, string> Experiments => ExperimentsById.ToDictionary(e => e.Key, e => e.Value.Name);

    public Dictionary<string, MlflowRun> Runs { get; } = new(StringComparer.Ordinal);
    public int NextExperimentId { get; set; } = 1;
}

/// <summary>The MLflow stand-ins by app host, for tests to inspect.</summary>
public sealed class MlflowTrackingState : IDumpableState
{
    public Dictionary<string, MlflowTracking> ByHost { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tracking server of an app host, made on first use. Call under <see cref="EmulatorState.Gate"/> or not at all concurrently with a dump.</summary>
    public MlflowTracking For(string host)
    {
        lock (ByHost)
        {
            if (!ByHost.TryGetValue(host, out var tracking))
            {
                tracking = new MlflowTracking();
                ByHost[host] = tracking;
            }
            return tracking;
        }
    }

    public JsonNode Dump() => new JsonObject(ByHost.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonObject
    {
        ["experiments"] = new JsonObject(h.Value.Experiments.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
        ["runs"] = h.Value.Runs.Count,
    })));
}
