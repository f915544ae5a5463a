using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>Where a resource is in a plan or an apply.</summary>
    public enum ResourcePhase
    {
        Observing,
        Planned,
        Waiting,
        Applying,
        Succeeded,
        Failed,
        Skipped,
        /// <summary>Google cannot make the change yet; the message says why and when a later run makes it.</summary>
        Deferred,
    }

    /// <summary>
    /// Progress of one resource. Raised from any thread: a cmdlet queues these and writes them from its pipeline thread.
    /// </summary>
    public sealed class ResourceEvent
    {
        public ResourceEvent(string resourceId, string kind, string name, ResourcePhase phase, ChangeAction action,
            TimeSpan elapsed, string? message = null, int? percentComplete = null)
        {
            ResourceId = resourceId;
            Kind = kind;
            Name = name;
            Phase = phase;
            Action = action;
            Elapsed = elapsed;
            Message = message;
            PercentComplete = percentComplete;
        }

        public string ResourceId { get; }
        public string Kind { get; }
        public string Name { get; }
        public ResourcePhase Phase { get; }

        /// <summary>The planned action (None while observing).</summary>
        public ChangeAction Action { get; }

        /// <summary>Time since this resource's current phase of work (observe or apply) started.</summary>
        public TimeSpan Elapsed { get; }

        public string? Message { get; }

        /// <summary>0-100 when the resource knows how far it is; null otherwise.</summary>
        public int? PercentComplete { get; }

        public override string ToString() =>
            $"{ResourceId} {Phase} {Action} after {Elapsed.TotalSeconds:0.0}s" + (Message == null ? "" : ": " + Message);
    }
}
