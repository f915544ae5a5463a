using System.Collections.Generic;
using System.Linq;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>The one question a removal asks: what goes and what stays, with counts and names.</summary>
    internal static class RemovalSummary
    {
        public static string Of(DeploymentPlan plan)
        {
            var deleted = plan.Changes.Where(c => c.Action == ChangeAction.Delete).ToList();
            var changed = plan.Changes.Where(c => c.Action == ChangeAction.Update).ToList();
            var parts = new List<string>
            {
                $"deletes {deleted.Count}: " + (deleted.Count == 0 ? "nothing" : string.Join(", ", deleted.Select(c => c.Target))),
            };
            if (changed.Count > 0)
            {
                parts.Add($"keeps and changes {changed.Count}: " + string.Join("; ", changed.Select(c => $"{c.Target} ({c.Reason})")));
            }
            return "Remove: " + string.Join(". It ", parts) + ". Nothing else is touched (-Confirm asks about each change).";
        }
    }
}
