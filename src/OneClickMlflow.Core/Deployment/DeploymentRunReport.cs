using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>How one resource's part of an apply ended.</summary>
    public enum ResourceOutcome
    {
        /// <summary>Nothing to do: the resource was already as wanted.</summary>
        Unchanged,
        Succeeded,
        Failed,
        /// <summary>Not attempted because something it needs was declined, failed or skipped.</summary>
        Skipped,
        Declined,
        Cancelled,
        /// <summary>Google cannot make the change yet (or it waits for one that cannot): a later run makes it.</summary>
        Deferred,
    }

    /// <summary>One resource in a run: what was planned, how it ended, and when its apply ran.</summary>
    public sealed class ResourceRunRecord
    {
        internal ResourceRunRecord(PlannedChange change, ResourceOutcome outcome, string? message,
            DateTimeOffset? startedAt, DateTimeOffset? endedAt, Exception? error)
        {
            Change = change;
            Outcome = outcome;
            Message = message;
            StartedAt = startedAt;
            EndedAt = endedAt;
            Error = error;
        }

        public PlannedChange Change { get; }
        public string ResourceId => Change.ResourceId;
        public string Kind => Change.Kind;
        public string Name => Change.Name;
        public ChangeAction Action => Change.Action;
        public ResourceOutcome Outcome { get; }
        public string? Message { get; }

        /// <summary>When the apply of this resource started (null when it never ran).</summary>
        public DateTimeOffset? StartedAt { get; }

        public DateTimeOffset? EndedAt { get; }

        public TimeSpan Duration => StartedAt.HasValue && EndedAt.HasValue ? EndedAt.Value - StartedAt.Value : TimeSpan.Zero;

        public Exception? Error { get; }

        /// <summary>For a change deferred only because it waits for another: the resource Google cannot change yet.</summary>
        public string? DeferredBy { get; internal set; }

        public override string ToString() => $"{ResourceId}: {Outcome} ({Duration.TotalSeconds:0.00}s)";
    }

    /// <summary>The result of an apply: every resource's outcome and timing.</summary>
    public sealed class DeploymentRunReport
    {
        private readonly DeploymentPlan _plan;

        internal DeploymentRunReport(DeploymentPlan plan, IReadOnlyList<ResourceRunRecord> resources,
            DateTimeOffset startedAt, DateTimeOffset endedAt)
        {
            _plan = plan;
            Resources = resources;
            StartedAt = startedAt;
            EndedAt = endedAt;
        }

        /// <summary>One record per resource of the plan, in plan order.</summary>
        public IReadOnlyList<ResourceRunRecord> Resources { get; }

        public DateTimeOffset StartedAt { get; }
        public DateTimeOffset EndedAt { get; }
        public TimeSpan WallTime => EndedAt - StartedAt;

        public ResourceRunRecord this[string resourceId] => Resources.Single(r => r.ResourceId == resourceId);

        public IReadOnlyList<ResourceRunRecord> Failed => Resources.Where(r => r.Outcome == ResourceOutcome.Failed).ToList();

        /// <summary>Changes Google cannot make yet, each with why and when to run again (not failures).</summary>
        public IReadOnlyList<ResourceRunRecord> Deferred => Resources.Where(r => r.Outcome == ResourceOutcome.Deferred).ToList();

        /// <summary>The longest chain of applies that had to run one after another, from the measured durations.</summary>
        public CriticalPath CriticalPath() =>
            Deployment.CriticalPath.Compute(
                Resources.ToDictionary(r => r.ResourceId, r => _plan.ApplyAfter(r.ResourceId)),
                Resources.ToDictionary(r => r.ResourceId, r => r.Duration));
    }
}
