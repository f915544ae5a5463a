using System;
using System.Diagnostics;
using System.Threading;

namespace OneClickMlflow.Deployment
{
    /// <summary>What the engine hands a resource while it applies a change.</summary>
    public sealed class ResourceApplyContext
    {
        private readonly Action<string?, int?> _report;
        private readonly Stopwatch _clock;

        internal ResourceApplyContext(PlannedChange change, CancellationToken cancellationToken,
            Stopwatch clock, Action<string?, int?> report)
        {
            Change = change;
            CancellationToken = cancellationToken;
            _clock = clock;
            _report = report;
        }

        /// <summary>The change being applied (re-planned when the first plan could not observe the resource).</summary>
        public PlannedChange Change { get; }

        /// <summary>Cancelled when the user stops the command: pass it to every call.</summary>
        public CancellationToken CancellationToken { get; }

        /// <summary>Time since this resource's apply started.</summary>
        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>Reports progress of a long wait, e.g. "waiting for operation op-123" at 40 %.</summary>
        public void ReportProgress(string message, int? percentComplete = null) => _report(message, percentComplete);
    }
}
