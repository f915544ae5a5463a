using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OneClickMlflow.Deployment;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>
    /// One progress bar per resource in flight, with its elapsed time refreshed every second. Engine events
    /// arrive on any thread; every record goes through the reporter, which writes it from the pipeline thread.
    /// </summary>
    internal sealed class DeploymentProgress : IDisposable
    {
        private const int FirstActivityId = 1000;

        private readonly CmdletReporter reporter;
        private readonly string activityPrefix;
        private readonly object gate = new object();
        private readonly Dictionary<string, Bar> bars = new Dictionary<string, Bar>(StringComparer.Ordinal);
        private readonly Timer ticker;

        public DeploymentProgress(CmdletReporter reporter, string activityPrefix)
        {
            this.reporter = reporter;
            this.activityPrefix = activityPrefix;
            ticker = new Timer(_ => Refresh(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        /// <summary>Engine callback (any thread).</summary>
        public void OnEvent(ResourceEvent e)
        {
            ProgressRecord? record;
            lock (gate)
            {
                if (!bars.TryGetValue(e.ResourceId, out var bar))
                {
                    bar = new Bar(FirstActivityId + bars.Count, $"{e.Kind} '{e.Name}'");
                    bars.Add(e.ResourceId, bar);
                }

                record = bar.Apply(e, activityPrefix);
            }

            if (record != null)
            {
                reporter.Progress(record);
                if (e.Phase == ResourcePhase.Failed)
                {
                    reporter.Verbose($"{e.Kind} '{e.Name}' failed: {e.Message}");
                }
                else if (e.Phase == ResourcePhase.Deferred)
                {
                    reporter.Verbose($"{e.Kind} '{e.Name}' deferred: {e.Message}");
                }
                else if (e.Phase == ResourcePhase.Succeeded)
                {
                    reporter.Verbose($"{e.Kind} '{e.Name}': {e.Action} done in {e.Elapsed.TotalSeconds:0.0}s.");
                }
            }
        }

        public void Dispose()
        {
            ticker.Dispose();
            List<ProgressRecord> open;
            lock (gate)
            {
                open = bars.Values.Where(b => b.InFlight).Select(b => b.Completed(activityPrefix)).ToList();
            }

            open.ForEach(reporter.Progress);
        }

        private void Refresh()
        {
            List<ProgressRecord> records;
            lock (gate)
            {
                records = bars.Values.Where(b => b.InFlight).Select(b => b.Current(activityPrefix)).ToList();
            }

            records.ForEach(reporter.Progress);
        }

        private sealed class Bar
        {
            private readonly Stopwatch clock = new Stopwatch();
            private string status = "";

            public Bar(int activityId, string target)
            {
                ActivityId = activityId;
                Target = target;
            }

            public int ActivityId { get; }

            public string Target { get; }

            public bool InFlight { get; private set; }

            private string Verb { get; set; } = "Reading";

            public ProgressRecord? Apply(ResourceEvent e, string prefix)
            {
                switch (e.Phase)
                {
                    case ResourcePhase.Observing:
                    case ResourcePhase.Applying:
                        if (!InFlight)
                        {
                            clock.Restart();
                        }

                        InFlight = true;
                        Verb = e.Phase == ResourcePhase.Observing ? "Reading" : e.Action + "";
                        status = e.Message ?? "";
                        return Current(prefix);
                    case ResourcePhase.Waiting:
                        return null;
                    default:
                        return InFlight ? Completed(prefix) : null;
                }
            }

            public ProgressRecord Current(string prefix) =>
                new ProgressRecord(ActivityId, $"{prefix}: {Verb} {Target}",
                    $"{clock.Elapsed.TotalSeconds:0}s elapsed" + (status.Length == 0 ? "" : " - " + status));

            public ProgressRecord Completed(string prefix)
            {
                InFlight = false;
                clock.Stop();
                return new ProgressRecord(ActivityId, $"{prefix}: {Verb} {Target}", "done") { RecordType = ProgressRecordType.Completed };
            }
        }
    }
}
