using System;

namespace OneClickMlflow.Deployment
{
    /// <summary>What one event changed in an apply: a milestone line for logs, and a warning when a change failed.</summary>
    public sealed class ProgressNote
    {
        internal ProgressNote(string? milestone, string? warning)
        {
            Milestone = milestone;
            Warning = warning;
        }

        /// <summary>"[2:13] Compute network 'mlflow-network': created in 0:12 (3 of 23 done)"; null when nothing to log.</summary>
        public string? Milestone { get; }

        /// <summary>A failure, named with its cause, to show when it happens (not only at the end of the run).</summary>
        public string? Warning { get; }
    }

    /// <summary>A change in flight: what it is, what it does and for how long.</summary>
    public sealed class RunningChange
    {
        internal RunningChange(string resourceId, string target, ChangeAction action, TimeSpan elapsed, bool applying)
        {
            ResourceId = resourceId;
            Target = target;
            Action = action;
            Elapsed = elapsed;
            Applying = applying;
        }

        public string ResourceId { get; }
        public string Target { get; }
        public ChangeAction Action { get; }
        public TimeSpan Elapsed { get; }

        /// <summary>False while the resource is only being read again before its change.</summary>
        public bool Applying { get; }
    }
}
