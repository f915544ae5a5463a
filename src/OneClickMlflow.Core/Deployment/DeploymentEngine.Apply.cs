using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Deployment
{
    public sealed partial class DeploymentEngine
    {
        /// <summary>
        /// Applies the approved changes: each starts as soon as everything it must follow has finished, at most
        /// <see cref="DeploymentEngineOptions.MaxConcurrency"/> at a time. A failure does not stop independent work;
        /// its dependents are skipped and the run ends with one <see cref="DeploymentFailedException"/>.
        /// Cancellation stops every pending call and throws <see cref="OperationCanceledException"/>.
        /// </summary>
        public Task<DeploymentRunReport> ApplyAsync(DeploymentApproval approval, CancellationToken cancellationToken) =>
            ApplyAsync(approval, null, cancellationToken);

        /// <summary>As <see cref="ApplyAsync(DeploymentApproval, CancellationToken)"/>, each change first passing <paramref name="gate"/>.</summary>
        public async Task<DeploymentRunReport> ApplyAsync(DeploymentApproval approval, IChangeGate? gate, CancellationToken cancellationToken)
        {
            var plan = approval.Plan;
            _options.OnApplyStarting?.Invoke(approval);
            var run = new ApplyRun(approval, DateTimeOffset.UtcNow, Stopwatch.StartNew(), gate);
            using var slots = new SemaphoreSlim(_options.MaxConcurrency);
            var runs = new Dictionary<string, Task<ResourceRunRecord>>(StringComparer.Ordinal);
            foreach (var change in plan.Changes)
            {
                var waitFor = plan.ApplyAfter(change.ResourceId).Select(id => runs[id]).ToArray();
                runs[change.ResourceId] = Task.Run(async () =>
                {
                    var record = await ApplyOneAsync(run, change, waitFor, slots, cancellationToken).ConfigureAwait(false);
                    gate?.Finished(plan.ResourceFor(change.ResourceId), record.Outcome);
                    return record;
                }, CancellationToken.None);
            }

            var records = await Task.WhenAll(runs.Values).ConfigureAwait(false);
            var report = new DeploymentRunReport(plan, records, run.StartedAt, run.Now);
            cancellationToken.ThrowIfCancellationRequested();
            if (report.Failed.Count > 0)
            {
                throw new DeploymentFailedException(report);
            }

            return report;
        }

        private async Task<ResourceRunRecord> ApplyOneAsync(ApplyRun run, PlannedChange change,
            Task<ResourceRunRecord>[] waitFor, SemaphoreSlim slots, CancellationToken cancellationToken)
        {
            var resource = run.Approval.Plan.ResourceFor(change.ResourceId);
            var decision = run.Approval.DecisionFor(change.ResourceId);
            if (decision == ApprovalDecision.Declined)
            {
                Raise(resource, ResourcePhase.Skipped, change.Action, TimeSpan.Zero, "declined");
                return Record(change, ResourceOutcome.Declined, "declined");
            }

            if (waitFor.Any(t => !t.IsCompleted) && change.Action != ChangeAction.None)
            {
                Raise(resource, ResourcePhase.Waiting, change.Action, TimeSpan.Zero,
                    "waiting for " + string.Join(", ", run.Approval.Plan.ApplyAfter(change.ResourceId)));
            }

            var before = await Task.WhenAll(waitFor).ConfigureAwait(false);
            var blocker = before.FirstOrDefault(r => r.Outcome != ResourceOutcome.Succeeded && r.Outcome != ResourceOutcome.Unchanged
                                                      && r.Outcome != ResourceOutcome.Deferred);
            var deferredBy = before.FirstOrDefault(r => r.Outcome == ResourceOutcome.Deferred);
            if (blocker == null && deferredBy != null && decision != ApprovalDecision.Skipped && change.Action != ChangeAction.None)
            {
                var root = deferredBy.DeferredBy ?? deferredBy.ResourceId;
                var reason = $"waits for {root}, which Google cannot change yet; the later run that changes it makes this change too";
                Raise(resource, ResourcePhase.Deferred, change.Action, TimeSpan.Zero, reason);
                return new ResourceRunRecord(change, ResourceOutcome.Deferred, reason, null, null, null) { DeferredBy = root };
            }
            if (blocker != null || decision == ApprovalDecision.Skipped)
            {
                var reason = blocker == null
                    ? "skipped because a change it needs was declined"
                    : $"skipped because {blocker.ResourceId} {Describe(blocker.Outcome)}";
                Raise(resource, ResourcePhase.Skipped, change.Action, TimeSpan.Zero, reason);
                return Record(change, ResourceOutcome.Skipped, reason);
            }

            if (change.Action == ChangeAction.None)
            {
                return Record(change, ResourceOutcome.Unchanged, change.Reason);
            }

            var clock = new Stopwatch();
            DateTimeOffset? startedAt = null;
            try
            {
                if (run.Gate != null)
                {
                    // Before a slot is taken: what the gate waits for (the bucket of a first run) needs one.
                    await run.Gate.EnterAsync(resource, cancellationToken).ConfigureAwait(false);
                }
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (resource.StartsBilledWork && run.FirstFailure is { } failed && run.Approval.Plan.Intent != DeploymentIntent.Remove)
                    {
                        // Work already running finishes; nothing slow and billed starts after a failure.
                        var reason = $"not started: {failed} failed first, and this starts slow work Google bills for; " +
                                     "run the command again to continue from what exists";
                        Raise(resource, ResourcePhase.Skipped, change.Action, TimeSpan.Zero, reason);
                        return Record(change, ResourceOutcome.Skipped, reason);
                    }
                    clock.Start();
                    startedAt = run.Now;
                    var current = change;
                    if (!change.Observed)
                    {
                        // Planned before its dependencies existed: read it now, they do.
                        Raise(resource, ResourcePhase.Observing, change.Action, clock.Elapsed, null);
                        await resource.ObserveAsync(cancellationToken).ConfigureAwait(false);
                        current = run.Approval.Plan.Intent == DeploymentIntent.Remove ? resource.PlanRemoval() : resource.Plan();
                    }

                    if (current.Action == ChangeAction.None)
                    {
                        Raise(resource, ResourcePhase.Succeeded, current.Action, clock.Elapsed, current.Reason);
                        return Record(current, ResourceOutcome.Unchanged, current.Reason, startedAt, run.Now);
                    }

                    Raise(resource, ResourcePhase.Applying, current.Action, clock.Elapsed, current.Reason);
                    var context = new ResourceApplyContext(current, cancellationToken, clock,
                        (message, percent) => Raise(resource, ResourcePhase.Applying, current.Action, clock.Elapsed, message, percent));
                    await resource.ApplyAsync(context).ConfigureAwait(false);
                    Raise(resource, ResourcePhase.Succeeded, current.Action, clock.Elapsed, null);
                    return Record(current, ResourceOutcome.Succeeded, null, startedAt, run.Now);
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (ChangeSkippedException skipped)
            {
                Raise(resource, ResourcePhase.Skipped, change.Action, clock.Elapsed, skipped.Message);
                return Record(change, ResourceOutcome.Skipped, skipped.Message, startedAt, run.Now);
            }
            catch (ChangeDeferredException deferred)
            {
                Raise(resource, ResourcePhase.Deferred, change.Action, clock.Elapsed, deferred.Message);
                return Record(change, ResourceOutcome.Deferred, deferred.Message, startedAt, run.Now);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Raise(resource, ResourcePhase.Skipped, change.Action, clock.Elapsed, "cancelled");
                return Record(change, ResourceOutcome.Cancelled, "cancelled", startedAt, startedAt.HasValue ? run.Now : (DateTimeOffset?)null);
            }
            catch (Exception error)
            {
                run.NoteFailure(change.ResourceId);
                Raise(resource, ResourcePhase.Failed, change.Action, clock.Elapsed, error.Message);
                return Record(change, ResourceOutcome.Failed, error.Message, startedAt, run.Now, error);
            }
        }

        private static ResourceRunRecord Record(PlannedChange change, ResourceOutcome outcome, string? message,
            DateTimeOffset? startedAt = null, DateTimeOffset? endedAt = null, Exception? error = null) =>
            new ResourceRunRecord(change, outcome, message, startedAt, endedAt, error);

        private static string Describe(ResourceOutcome outcome)
        {
            switch (outcome)
            {
                case ResourceOutcome.Failed: return "failed";
                case ResourceOutcome.Declined: return "was declined";
                case ResourceOutcome.Cancelled: return "was cancelled";
                default: return "was skipped";
            }
        }

        /// <summary>One apply's shared state: the approval and a single clock for every timestamp.</summary>
        private sealed class ApplyRun
        {
            private readonly Stopwatch _clock;

            public ApplyRun(DeploymentApproval approval, DateTimeOffset startedAt, Stopwatch clock, IChangeGate? gate)
            {
                Approval = approval;
                StartedAt = startedAt;
                _clock = clock;
                Gate = gate;
            }

            public DeploymentApproval Approval { get; }
            public IChangeGate? Gate { get; }
            public DateTimeOffset StartedAt { get; }
            public DateTimeOffset Now => StartedAt + _clock.Elapsed;

            private string? _firstFailure;

            /// <summary>The id of the first change that failed in this run, or null.</summary>
            public string? FirstFailure => Volatile.Read(ref _firstFailure);

            public void NoteFailure(string resourceId) => Interlocked.CompareExchange(ref _firstFailure, resourceId, null);
        }
    }
}
