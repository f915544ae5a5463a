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
    /// Shows a run as it goes: one parent progress record ("7 of 23 done", percent, expected time left) over one child
    /// record per resource in flight, whose text starts with the resource and shows its elapsed time as m:ss, refreshed
    /// every second. A failure is written as a warning when it happens. Where output goes to a log (see
    /// <see cref="LogOutput"/>), one host line per milestone and one status line a minute while changes run. Engine
    /// events arrive on any thread; every record goes through the reporter, which writes it from the pipeline thread.
    /// </summary>
    internal sealed class DeploymentProgress : IDisposable
    {
        private const int ParentActivityId = 999;
        private const int FirstActivityId = 1000;

        private readonly CmdletReporter reporter;
        private readonly string activity;
        private readonly bool logLines;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly object gate = new object();
        private readonly Dictionary<string, Bar> bars = new Dictionary<string, Bar>(StringComparer.Ordinal);
        private readonly Timer ticker;
        private ApplyProgress? apply;

        /// <param name="activity">The parent record's text, e.g. "MLflow deployment 'mlflow'".</param>
        /// <param name="logLines">Write milestone and status lines (output goes to a log).</param>
        public DeploymentProgress(CmdletReporter reporter, string activity, bool logLines)
        {
            this.reporter = reporter;
            this.activity = activity;
            this.logLines = logLines;
            ticker = new Timer(_ => Refresh(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        /// <summary>Engine options that report to this progress.</summary>
        public DeploymentEngineOptions EngineOptions() =>
            new DeploymentEngineOptions { OnEvent = OnEvent, OnApplyStarting = OnApplyStarting };

        /// <summary>What Google goes on with after a stop, and how to finish it; null when no change had started.</summary>
        public string? StoppedMessage(string command) => apply?.StoppedMessage(command);

        private void OnApplyStarting(DeploymentApproval approval)
        {
            var started = new ApplyProgress(approval, () => clock.Elapsed);
            apply = started;
            if (logLines && started.Total > 0)
            {
                // A run with nothing to change says so in its result; a log line about zero changes is noise.
                reporter.HostLine(started.StartLine());
            }
            reporter.Progress(Parent());
        }

        /// <summary>Engine callback (any thread).</summary>
        private void OnEvent(ResourceEvent e)
        {
            ProgressRecord? record;
            lock (gate)
            {
                if (!bars.TryGetValue(e.ResourceId, out var bar))
                {
                    bar = new Bar(FirstActivityId + bars.Count, $"{e.Kind} '{e.Name}'");
                    bars.Add(e.ResourceId, bar);
                }

                record = bar.Apply(e);
            }

            var note = apply?.Record(e);
            if (note?.Warning != null)
            {
                reporter.Warning(note.Warning);
            }
            if (logLines && note?.Milestone != null)
            {
                reporter.HostLine(note.Milestone);
            }
            if (record != null)
            {
                reporter.Progress(record);
                reporter.Progress(Parent());
                if (e.Phase == ResourcePhase.Deferred)
                {
                    reporter.Verbose($"{e.Kind} '{e.Name}' deferred: {e.Message}");
                }
                else if (e.Phase == ResourcePhase.Succeeded)
                {
                    reporter.Verbose($"{e.Kind} '{e.Name}': {e.Action} done in {Clock.Format(e.Elapsed)}.");
                }
            }
        }

        public void Dispose()
        {
            ticker.Dispose();
            List<ProgressRecord> open;
            lock (gate)
            {
                open = bars.Values.Where(b => b.InFlight).Select(b => b.Completed()).ToList();
            }

            open.ForEach(reporter.Progress);
            reporter.Progress(new ProgressRecord(ParentActivityId, activity, "done") { RecordType = ProgressRecordType.Completed });
        }

        private void Refresh()
        {
            List<ProgressRecord> records;
            lock (gate)
            {
                records = bars.Values.Where(b => b.InFlight).Select(b => b.Current()).ToList();
            }

            records.ForEach(reporter.Progress);
            if (records.Count > 0)
            {
                reporter.Progress(Parent());
            }
            if (logLines && apply?.StatusLine() is { } status)
            {
                reporter.HostLine(status);
            }
        }

        /// <summary>"7 of 23 done" with percent and time left once the apply started; "reading what exists" before.</summary>
        private ProgressRecord Parent()
        {
            var started = apply;
            return started == null
                ? new ProgressRecord(ParentActivityId, activity, "reading what exists")
                : new ProgressRecord(ParentActivityId, activity, started.Summary)
                {
                    PercentComplete = started.Percent,
                    SecondsRemaining = (int)started.Remaining().TotalSeconds,
                };
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

            /// <summary>"Compute network 'mlflow-network'": the start of the record's visible text.</summary>
            public string Target { get; }

            public bool InFlight { get; private set; }

            private string Verb { get; set; } = "reading";

            private int? Percent { get; set; }

            public ProgressRecord? Apply(ResourceEvent e)
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
                        Verb = e.Phase == ResourcePhase.Observing ? "reading" : e.Action.ToString().ToLowerInvariant();
                        status = e.Message ?? "";
                        Percent = e.PercentComplete;
                        return Current();
                    case ResourcePhase.Waiting:
                        return null;
                    default:
                        return InFlight ? Completed() : null;
                }
            }

            public ProgressRecord Current() =>
                new ProgressRecord(ActivityId, Target,
                    $"{Verb}, {Clock.Format(clock.Elapsed)} elapsed" + (status.Length == 0 ? "" : " - " + status))
                {
                    ParentActivityId = ParentActivityId,
                    PercentComplete = Percent ?? -1,
                };

            public ProgressRecord Completed()
            {
                InFlight = false;
                clock.Stop();
                return new ProgressRecord(ActivityId, Target, "done")
                {
                    ParentActivityId = ParentActivityId,
                    RecordType = ProgressRecordType.Completed,
                };
            }
        }
    }
}
