using System;
using System.Collections.Generic;
using System.Linq;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// What a run would change, in the order it would change it (dependencies first when converging, dependents
    /// first when removing). This is what -WhatIf prints and what scripts receive.
    /// </summary>
    public sealed class DeploymentPlan
    {
        private readonly Dictionary<string, Resource> _resources;
        private readonly Dictionary<string, IReadOnlyList<string>> _applyAfter;

        internal DeploymentPlan(DeploymentIntent intent, ResourceGraph graph, IReadOnlyList<PlannedChange> changes)
        {
            Intent = intent;
            Changes = changes;
            _resources = graph.Ordered.ToDictionary(r => r.Id, StringComparer.Ordinal);
            _applyAfter = graph.Ordered.ToDictionary(
                r => r.Id,
                r => (IReadOnlyList<string>)(intent == DeploymentIntent.Remove ? graph.DependentsOf(r) : r.DependsOn)
                    .Select(d => d.Id).ToList(),
                StringComparer.Ordinal);
        }

        public DeploymentIntent Intent { get; }

        /// <summary>One entry per resource, in apply order, including resources that need no change.</summary>
        public IReadOnlyList<PlannedChange> Changes { get; }

        /// <summary>True when at least one resource would be created, updated or deleted.</summary>
        public bool HasChanges => Changes.Any(c => c.Action != ChangeAction.None);

        /// <summary>A one-line count, e.g. "3 to create, 1 to update, 0 to delete, 5 unchanged".</summary>
        public string Summary =>
            $"{Count(ChangeAction.Create)} to create, {Count(ChangeAction.Update)} to update, " +
            $"{Count(ChangeAction.Delete)} to delete, {Count(ChangeAction.None)} unchanged";

        public override string ToString() => Summary;

        /// <summary>
        /// Asks <paramref name="approve"/> about every real change, in apply order, on the calling thread (a cmdlet
        /// calls ShouldProcess here). A change whose prerequisite was declined is not asked about: it is skipped.
        /// </summary>
        public DeploymentApproval Approve(Func<PlannedChange, bool> approve)
        {
            var decisions = new Dictionary<string, ApprovalDecision>(StringComparer.Ordinal);
            foreach (var change in Changes)
            {
                var blockedBy = ApplyAfter(change.ResourceId)
                    .FirstOrDefault(id => decisions[id] == ApprovalDecision.Declined || decisions[id] == ApprovalDecision.Skipped);
                if (blockedBy != null)
                {
                    decisions[change.ResourceId] = change.Action == ChangeAction.None ? ApprovalDecision.NotNeeded : ApprovalDecision.Skipped;
                }
                else if (change.Action == ChangeAction.None)
                {
                    decisions[change.ResourceId] = ApprovalDecision.NotNeeded;
                }
                else
                {
                    decisions[change.ResourceId] = approve(change) ? ApprovalDecision.Approved : ApprovalDecision.Declined;
                }
            }

            return new DeploymentApproval(this, decisions);
        }

        /// <summary>Approves every change (for -Force or callers that confirmed the whole plan).</summary>
        public DeploymentApproval ApproveAll() => Approve(_ => true);

        private int Count(ChangeAction action) => Changes.Count(c => c.Action == action);

        internal Resource ResourceFor(string resourceId) => _resources[resourceId];

        /// <summary>Ids that must finish before this resource's change may start.</summary>
        internal IReadOnlyList<string> ApplyAfter(string resourceId) => _applyAfter[resourceId];
    }

    internal enum ApprovalDecision
    {
        NotNeeded,
        Approved,
        Declined,
        Skipped,
    }

    /// <summary>The plan with the caller's answers: the set of changes an apply may make.</summary>
    public sealed class DeploymentApproval
    {
        private readonly IReadOnlyDictionary<string, ApprovalDecision> _decisions;

        internal DeploymentApproval(DeploymentPlan plan, IReadOnlyDictionary<string, ApprovalDecision> decisions)
        {
            Plan = plan;
            _decisions = decisions;
        }

        public DeploymentPlan Plan { get; }

        public IReadOnlyList<PlannedChange> Approved => With(ApprovalDecision.Approved);

        public IReadOnlyList<PlannedChange> Declined => With(ApprovalDecision.Declined);

        /// <summary>Changes not asked about because something they need was declined.</summary>
        public IReadOnlyList<PlannedChange> Skipped => With(ApprovalDecision.Skipped);

        internal ApprovalDecision DecisionFor(string resourceId) => _decisions[resourceId];

        private IReadOnlyList<PlannedChange> With(ApprovalDecision decision) =>
            Plan.Changes.Where(c => _decisions[c.ResourceId] == decision).ToList();
    }
}
