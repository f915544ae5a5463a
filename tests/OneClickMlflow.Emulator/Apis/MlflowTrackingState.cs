using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>A run of the MLflow stand-in: its parameters and metric history.</summary>
public sealed class MlflowRun
{
    public required string RunId { get; init; }
    public required string ExperimentId { get; init; }
    public required long StartTime { get; init; }
    public SortedDictionary<string, string> Params { get; } = new(StringComparer.Ordinal);
    public List<(string Key, double Value, long Timestamp, long Step)> Metrics { get; } = new();
}

/// <summary>What one deployed app's MLflow tracking server holds. Guard access with <see cref="EmulatorState.Gate"/>.</summary>
public sealed class MlflowTracking
{
    public MlflowTracking()
    {
        Experiments["0"] = "Default";
    }

    /// <summary>Experiment names by id; the Default experiment (id 0) exists from the start, as in MLflow.</summary>
    public SortedDictionary<string, string> Experiments { get; } = new(StringComparer.Ordinal);
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
