using System.Management.Automation;
using OneClickMlflow.Deployment;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>Asks ShouldProcess about each change of a plan, on the pipeline thread.</summary>
    internal static class ChangeApproval
    {
        /// <summary>
        /// One question (or one "What if" line) per real change. -WhatIf declines every change, which would leave
        /// their dependents unasked: those get their "What if" line too.
        /// </summary>
        public static DeploymentApproval Ask(Cmdlet cmdlet, DeploymentPlan plan, out bool whatIf)
        {
            var sawWhatIf = false;
            var approval = plan.Approve(change =>
            {
                var approved = ShouldProcess(cmdlet, change, out var reason);
                sawWhatIf |= reason == ShouldProcessReason.WhatIf;
                return approved;
            });
            if (sawWhatIf)
            {
                foreach (var change in approval.Skipped)
                {
                    ShouldProcess(cmdlet, change, out _);
                }
            }

            whatIf = sawWhatIf;
            return approval;
        }

        private static bool ShouldProcess(Cmdlet cmdlet, PlannedChange change, out ShouldProcessReason reason)
        {
            var operation = $"Performing the operation \"{change.Action}: {change.Reason}\" on target \"{change.Target}\".";
            return cmdlet.ShouldProcess(operation, "Are you sure you want to perform this action?\n" + operation, "Confirm", out reason);
        }
    }
}
