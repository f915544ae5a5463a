using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Infrastructure;

public enum OperationPhase
{
    Pending,
    Running,
    Done,
}

/// <summary>
/// One long-running operation. Family-neutral: google.longrunning, compute#operation and sql#operation views are
/// rendered from the same record (<see cref="Attributes"/> carries family-specific fields such as targetLink).
/// </summary>
public sealed class EmulatedOperation
{
    internal EmulatedOperation(string name, string kind, DateTimeOffset start, TimeSpan duration, Func<JsonNode?> complete)
    {
        Name = name;
        Kind = kind;
        StartTime = start;
        DoneTime = start + duration;
        Complete = complete;
    }

    /// <summary>The full resource name, e.g. <c>operations/acf.p2-…</c>.</summary>
    public string Name { get; }

    /// <summary>The operation kind used for latency, e.g. <c>serviceusage.services.enable</c>.</summary>
    public string Kind { get; }

    public DateTimeOffset StartTime { get; }
    public DateTimeOffset DoneTime { get; }
    public JsonObject? Metadata { get; init; }
    public JsonObject Attributes { get; } = new();

    /// <summary>The result once done (the response message), or null.</summary>
    public JsonNode? Response { get; private set; }

    /// <summary>The failure once done, or null.</summary>
    public GoogleApiError? Error { get; private set; }

    public bool Completed { get; private set; }

    private Func<JsonNode?> Complete { get; }

    public OperationPhase PhaseAt(DateTimeOffset now)
    {
        if (Completed)
        {
            return OperationPhase.Done;
        }
        var pendingUntil = StartTime + (DoneTime - StartTime) / 10;
        return now < pendingUntil ? OperationPhase.Pending : OperationPhase.Running;
    }

    internal void Finish()
    {
        try
        {
            Response = Complete();
        }
        catch (GoogleApiError error)
        {
            Error = error;
        }
        Completed = true;
    }

    /// <summary>The google.longrunning.Operation view (done is omitted while false, as proto3 JSON does).</summary>
    public JsonObject ToLongRunningJson()
    {
        var json = new JsonObject { ["name"] = Name };
        if (Metadata is not null)
        {
            json["metadata"] = Metadata.DeepClone();
        }
        if (Completed)
        {
            json["done"] = true;
            if (Error is not null)
            {
                json["error"] = new JsonObject
                {
                    ["code"] = GrpcCode(Error.Status),
                    ["message"] = Error.Message,
                    ["details"] = Error.Details?.DeepClone() ?? new JsonArray(),
                };
            }
            else
            {
                json["response"] = Response?.DeepClone() ?? new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.protobuf.Empty",
                };
            }
        }
        return json;
    }

    private static int GrpcCode(string status) => status switch
    {
        "CANCELLED" => 1,
        "UNKNOWN" => 2,
        "INVALID_ARGUMENT" => 3,
        "DEADLINE_EXCEEDED" => 4,
        "NOT_FOUND" => 5,
        "ALREADY_EXISTS" => 6,
        "PERMISSION_DENIED" => 7,
        "RESOURCE_EXHAUSTED" => 8,
        "FAILED_PRECONDITION" => 9,
        "ABORTED" => 10,
        "OUT_OF_RANGE" => 11,
        "UNIMPLEMENTED" => 12,
        "INTERNAL" => 13,
        "UNAVAILABLE" => 14,
        "DATA_LOSS" => 15,
        "UNAUTHENTICATED" => 16,
        _ => 2,
    };
}

/// <summary>
/// Stores operations and completes them when their latency has passed. Completion runs the operation's callback
/// (which applies the state change and returns the response) under the emulator's state lock.
/// </summary>
public sealed class OperationStore
{
    private readonly object stateGate;
    private readonly LatencySettings latency;
    private readonly TimeProvider clock;
    private readonly Dictionary<string, EmulatedOperation> operations = new(StringComparer.Ordinal);

    public OperationStore(object stateGate, LatencySettings latency, TimeProvider clock)
    {
        this.stateGate = stateGate;
        this.latency = latency;
        this.clock = clock;
    }

    /// <summary>
    /// Starts an operation. With zero latency it completes before this returns, so the first answer is done.
    /// </summary>
    public EmulatedOperation Start(
        string name, string kind, Func<JsonNode?> complete, JsonObject? metadata = null, TimeSpan? duration = null)
    {
        var operation = new EmulatedOperation(name, kind, clock.GetUtcNow(), duration ?? latency.DurationOf(kind), complete)
        {
            Metadata = metadata,
        };
        lock (stateGate)
        {
            operations[name] = operation;
        }
        Settle();
        return operation;
    }

    /// <summary>Renders an operation under the state lock, so a concurrent completion is seen whole.</summary>
    public JsonObject Render(EmulatedOperation operation, Func<EmulatedOperation, JsonObject> view)
    {
        lock (stateGate)
        {
            return view(operation);
        }
    }

    public EmulatedOperation? Find(string name)
    {
        Settle();
        lock (stateGate)
        {
            return operations.TryGetValue(name, out var operation) ? operation : null;
        }
    }

    public IReadOnlyList<EmulatedOperation> All()
    {
        Settle();
        lock (stateGate)
        {
            return operations.Values.OrderBy(o => o.StartTime).ToList();
        }
    }

    /// <summary>Test control: completes now every pending operation of <paramref name="kind"/>, as Google finishing its work.</summary>
    public int FinishNow(string kind)
    {
        lock (stateGate)
        {
            var pending = operations.Values.Where(o => !o.Completed && o.Kind == kind).OrderBy(o => o.StartTime).ToList();
            foreach (var operation in pending)
            {
                operation.Finish();
            }
            return pending.Count;
        }
    }

    /// <summary>Completes every operation whose time has come, in start order.</summary>
    public void Settle()
    {
        var now = clock.GetUtcNow();
        lock (stateGate)
        {
            foreach (var operation in operations.Values.Where(o => !o.Completed && o.DoneTime <= now).OrderBy(o => o.DoneTime))
            {
                operation.Finish();
            }
        }
    }
}
