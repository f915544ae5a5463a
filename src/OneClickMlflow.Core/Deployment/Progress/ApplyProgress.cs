using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// Where an apply stands, from the engine's events: how many of the approved changes are done, which run and for how
    /// long, the expected remaining time (the longest chain of what is left, from <see cref="ExpectedDurations"/>), and the
    /// lines a log shows. Thread-safe; time comes from the given clock so that it can be tested without waiting.
    /// </summary>
    public sealed class ApplyProgress
    {
        /// <summary>How long a log may stay silent while changes still run.</summary>
        public static readonly TimeSpan StatusInterval = TimeSpan.FromMinutes(1);

        private readonly object gate = new object();
        private readonly Func<TimeSpan> clock;
        private readonly Dictionary<string, Entry> entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<string>> applyAfter;
        private TimeSpan lastLine;

        /// <param name="approval">The approved changes: each is one step of "N of M done".</param>
        /// <param name="clock">Time since the command started (the timestamp of every line).</param>
        public ApplyProgress(DeploymentApproval approval, Func<TimeSpan> clock)
        {
            this.clock = clock;
            var plan = approval.Plan;
            foreach (var change in approval.Approved)
            {
                entries[change.ResourceId] = new Entry(change.Target, change.Action, ExpectedDurations.For(change.ResourceId, change.Action));
            }
            applyAfter = plan.Changes.ToDictionary(c => c.ResourceId, c => plan.ApplyAfter(c.ResourceId), StringComparer.Ordinal);
            lastLine = clock();
        }

        public int Total => entries.Count;

        public int Done
        {
            get { lock (gate) { return entries.Values.Count(e => e.Finished); } }
        }

        /// <summary>0-100.</summary>
        public int Percent => Total == 0 ? 100 : 100 * Done / Total;

        /// <summary>"7 of 23 done".</summary>
        public string Summary => $"{Done} of {Total} done";

        /// <summary>The line that opens the apply in a log.</summary>
        public string StartLine()
        {
            lock (gate)
            {
                return Line($"Applying {Total} change{(Total == 1 ? "" : "s")}, expected to take about {Clock.Format(RemainingLocked())}");
            }
        }

        /// <summary>Records an engine event of the apply; events of resources outside the approved changes are ignored.</summary>
        public ProgressNote? Record(ResourceEvent e)
        {
            lock (gate)
            {
                if (!entries.TryGetValue(e.ResourceId, out var entry) || entry.Finished)
                {
                    return null;
                }
                var now = clock();
                switch (e.Phase)
                {
                    case ResourcePhase.Observing:
                    case ResourcePhase.Applying:
                        // Read again first when planned before its dependencies existed: the change is known once it applies.
                        entry.StartedAt ??= now;
                        if (e.Phase == ResourcePhase.Observing || entry.Applying)
                        {
                            return null;
                        }
                        entry.Action = e.Action;
                        entry.Target = $"{e.Kind} '{e.Name}'"; // read again, it may name itself (a version by its id)
                        entry.Expected = ExpectedDurations.For(e.ResourceId, e.Action);
                        entry.Applying = true;
                        var expected = entry.Expected >= StatusInterval ? $", usually takes about {Clock.Format(entry.Expected)}" : "";
                        return new ProgressNote(Line($"{entry.Target}: {Verb(entry.Action)} started{expected}"), null);
                    case ResourcePhase.Succeeded:
                        Finish(entry, now);
                        var done = e.Action == ChangeAction.None ? "already as wanted" : Past(e.Action);
                        return new ProgressNote(Line($"{entry.Target}: {done} in {Clock.Format(entry.Took)} ({SummaryLocked()}){Ending()}"), null);
                    case ResourcePhase.Failed:
                        Finish(entry, now);
                        var failed = $"{entry.Target} failed after {Clock.Format(entry.Took)}: {e.Message}";
                        return new ProgressNote(Line($"{entry.Target}: failed ({SummaryLocked()}){Ending()}"), failed);
                    case ResourcePhase.Skipped:
                    case ResourcePhase.Deferred:
                        Finish(entry, now);
                        var outcome = e.Phase == ResourcePhase.Deferred ? "deferred" : "skipped";
                        return new ProgressNote(Line($"{entry.Target}: {outcome}, {e.Message} ({SummaryLocked()}){Ending()}"), null);
                    default:
                        return null;
                }
            }
        }

        /// <summary>The changes in flight, longest-running first.</summary>
        public IReadOnlyList<RunningChange> Running()
        {
            lock (gate)
            {
                var now = clock();
                return entries.Where(e => e.Value.StartedAt.HasValue && !e.Value.Finished)
                    .Select(e => new RunningChange(e.Key, e.Value.Target, e.Value.Action, now - e.Value.StartedAt!.Value, e.Value.Applying))
                    .OrderByDescending(r => r.Elapsed).ToList();
            }
        }

        /// <summary>
        /// The expected time left: the longest chain of unfinished changes, each counted at its expected duration less
        /// the time it already ran (at least a few seconds while it runs).
        /// </summary>
        public TimeSpan Remaining()
        {
            lock (gate)
            {
                return RemainingLocked();
            }
        }

        /// <summary>
        /// A line saying what still runs and for how long, once the log has been silent for <see cref="StatusInterval"/>
        /// while changes run; null otherwise.
        /// </summary>
        public string? StatusLine()
        {
            var running = Running();
            lock (gate)
            {
                if (running.Count == 0 || clock() - lastLine < StatusInterval)
                {
                    return null;
                }
                var what = string.Join(", ", running.Select(r => $"{r.Target} ({Verb(r.Action)}, {Clock.Format(r.Elapsed)})"));
                return Line($"Still working ({SummaryLocked()}, about {Clock.Format(RemainingLocked())} left): {what}");
            }
        }

        /// <summary>
        /// What a stopped command leaves to Google: the changes it had started, which Google goes on with, and how to
        /// follow or finish them; null when none had started.
        /// </summary>
        public string? StoppedMessage(string command)
        {
            var started = Running().Where(r => r.Applying && r.Action != ChangeAction.None).ToList();
            if (started.Count == 0)
            {
                return null;
            }
            var lines = started.Select(r =>
            {
                var name = r.Target.Substring(r.Target.IndexOf('\'') + 1).TrimEnd('\'');
                var watch = ExpectedDurations.WatchCommand(r.ResourceId, name);
                return $"  {r.Target}: {Verb(r.Action)} started {Clock.Format(r.Elapsed)} ago" + (watch == null ? "" : $"; follow it with: {watch}");
            });
            return "Stopped. Google goes on with the operations already started:" + Environment.NewLine
                   + string.Join(Environment.NewLine, lines) + Environment.NewLine
                   + $"Run the same {command} command again: it waits for them and finishes what this run did not.";
        }

        private TimeSpan RemainingLocked()
        {
            var now = clock();
            var left = entries.ToDictionary(e => e.Key, e => e.Value.Left(now), StringComparer.Ordinal);
            return CriticalPath.Compute(applyAfter, left).Total;
        }

        private string SummaryLocked() => $"{entries.Values.Count(e => e.Finished)} of {Total} done";

        private string Ending() => entries.Values.All(e => e.Finished) ? $"; all done after {Clock.Format(clock())}" : "";

        private void Finish(Entry entry, TimeSpan now)
        {
            entry.Finished = true;
            entry.Took = entry.StartedAt.HasValue ? now - entry.StartedAt.Value : TimeSpan.Zero;
        }

        private string Line(string text)
        {
            var now = clock();
            lastLine = now;
            return $"[{Clock.Format(now)}] {text}";
        }

        private static string Verb(ChangeAction action) => action == ChangeAction.None ? "read" : action.ToString().ToLowerInvariant();

        private static string Past(ChangeAction action) =>
            action switch
            {
                ChangeAction.Create => "created",
                ChangeAction.Update => "updated",
                ChangeAction.Delete => "deleted",
                _ => "done",
            };

        private sealed class Entry
        {
            public Entry(string target, ChangeAction action, TimeSpan expected)
            {
                Target = target;
                Action = action;
                Expected = expected;
            }

            public string Target { get; set; }
            public ChangeAction Action { get; set; }
            public TimeSpan Expected { get; set; }
            public TimeSpan? StartedAt { get; set; }
            public bool Applying { get; set; }
            public bool Finished { get; set; }
            public TimeSpan Took { get; set; }

            public TimeSpan Left(TimeSpan now)
            {
                if (Finished)
                {
                    return TimeSpan.Zero;
                }
                if (!StartedAt.HasValue)
                {
                    return Expected;
                }
                var left = Expected - (now - StartedAt.Value);
                return left > MinimumLeft ? left : MinimumLeft;
            }

            private static readonly TimeSpan MinimumLeft = TimeSpan.FromSeconds(5);
        }
    }
}
