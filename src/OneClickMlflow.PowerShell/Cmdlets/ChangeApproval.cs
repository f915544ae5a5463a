using System;
using System.Linq;
using System.Management.Automation;
using OneClickMlflow.Deployment;
using OneClickMlflow.PowerShell.Infrastructure;

namespace OneClickMlflow.PowerShell.Cmdlets
{
    /// <summary>Asks ShouldProcess about each change of a plan, on the pipeline thread.</summary>
    internal static class ChangeApproval
    {
        /// <summary>
        /// One question (or one "What if" line) per real change. -WhatIf declines every change, which would leave
        /// their dependents unasked: those get their "What if" line too.
        /// </summary>
        public static DeploymentApproval Ask(PSCmdlet cmdlet, DeploymentPlan plan, out bool whatIf)
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
            if (sawWhatIf)
            {
                // As Terraform ends a plan: one line that counts it, after the "What if" lines.
                cmdlet.WriteInformation(new HostInformationMessage { Message = "What if: " + PlanLine(plan) }, new[] { "PSHOST" });
            }
            return approval;
        }

        /// <summary>"Plan: 20 to create, 0 to change, 0 to destroy, 9 unchanged."</summary>
        internal static string PlanLine(DeploymentPlan plan)
        {
            int Count(ChangeAction action) => plan.Changes.Count(c => c.Action == action);
            return $"Plan: {Count(ChangeAction.Create)} to create, {Count(ChangeAction.Update)} to change, {Count(ChangeAction.Delete)} to destroy, " +
                   $"{Count(ChangeAction.None)} unchanged.";
        }

        private static bool ShouldProcess(PSCmdlet cmdlet, PlannedChange change, out ShouldProcessReason reason)
        {
            var operation = $"Performing the operation \"{change.Action}: {change.Reason}\" on target \"{change.Target}\".";
            var approved = cmdlet.ShouldProcess(operation, "Are you sure you want to perform this action?\n" + operation, "Confirm", out reason);
            return approved && (!change.HighImpact || reason == ShouldProcessReason.WhatIf || !AsksHighImpact(cmdlet) || ConfirmHighImpact(cmdlet, change, operation));
        }

        /// <summary>
        /// As PowerShell asks about a High-impact command: unless -Confirm was given either way (ShouldProcess asked
        /// already, or the caller said not to) or $ConfirmPreference is None.
        /// </summary>
        private static bool AsksHighImpact(PSCmdlet cmdlet)
        {
            if (cmdlet.MyInvocation.BoundParameters.ContainsKey("Confirm"))
            {
                return false;
            }
            var preference = cmdlet.SessionState.PSVariable.GetValue("ConfirmPreference");
            return preference == null || !Enum.TryParse(preference.ToString(), true, out ConfirmImpact impact) || impact != ConfirmImpact.None;
        }

        private static bool ConfirmHighImpact(PSCmdlet cmdlet, PlannedChange change, string operation)
        {
            try
            {
                return cmdlet.ShouldContinue("Are you sure you want to perform this action?\n" + operation, "Confirm (High impact)");
            }
            catch (Exception e) when (e is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException)
            {
                throw new ConfirmationUnavailableException(
                    $"{change.Target}: {change.Reason} takes every web user's access away and needs your confirmation, and this PowerShell " +
                    $"session cannot ask ({e.Message.TrimEnd('.')}). Nothing was changed.", e);
            }
        }
    }
}
